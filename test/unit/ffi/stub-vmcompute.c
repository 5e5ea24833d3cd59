/*
 * A deliberately partial stand-in for vmcompute.dll, compiled by test/unit/ffi/binding.test.ts (POSIX only) to test
 * the koffi binding itself, independently of the simulator: string ownership (every CoTaskMemAlloc'd output freed
 * exactly once, nothing else freed), outputs left untouched by the DLL, UTF-16 in both directions, struct outputs,
 * callbacks from a foreign thread while Unregister waits for them, and exports that do not exist (Pause, Resume,
 * Signal, Modify*, the service functions are missing on purpose).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint16_t wchar16;
typedef int32_t HRESULT;
typedef void (*notification_cb)(uint32_t type, void *context, HRESULT status, const wchar16 *data);

typedef struct {
  uint32_t ProcessId;
  uint32_t Reserved;
  void *StdInput;
  void *StdOutput;
  void *StdError;
} HCS_PROCESS_INFORMATION;

#define MAX_LIVE 4096
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *live[MAX_LIVE];
static int live_count, bad_frees, null_frees, calls_on_loader_thread, total_calls;
static pthread_t loader_thread;

__attribute__((constructor)) static void remember_loader(void) { loader_thread = pthread_self(); }

static void note_call(void) {
  pthread_mutex_lock(&lock);
  total_calls++;
  if (pthread_equal(pthread_self(), loader_thread)) calls_on_loader_thread++;
  pthread_mutex_unlock(&lock);
}

void *CoTaskMemAlloc(size_t size) {
  void *p = malloc(size);
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_LIVE; i++) {
    if (!live[i]) { live[i] = p; live_count++; break; }
  }
  pthread_mutex_unlock(&lock);
  return p;
}

void CoTaskMemFree(void *p) {
  if (!p) { null_frees++; return; }
  pthread_mutex_lock(&lock);
  int found = 0;
  for (int i = 0; i < MAX_LIVE; i++) {
    if (live[i] == p) { live[i] = NULL; live_count--; found = 1; break; }
  }
  if (!found) bad_frees++;
  pthread_mutex_unlock(&lock);
  if (found) free(p);
}

/* Counters for the test: [live allocations, frees of unknown pointers, calls made on the loading thread, calls]. */
void StubCounters(int32_t *out) {
  pthread_mutex_lock(&lock);
  out[0] = live_count; out[1] = bad_frees; out[2] = calls_on_loader_thread; out[3] = total_calls;
  pthread_mutex_unlock(&lock);
}

static size_t len16(const wchar16 *s) { size_t n = 0; while (s[n]) n++; return n; }

static wchar16 *copy16(const wchar16 *s) {
  size_t n = len16(s);
  wchar16 *out = CoTaskMemAlloc((n + 1) * sizeof(wchar16));
  memcpy(out, s, (n + 1) * sizeof(wchar16));
  return out;
}

static wchar16 *ascii16(const char *s) {
  size_t n = strlen(s);
  wchar16 *out = CoTaskMemAlloc((n + 1) * sizeof(wchar16));
  for (size_t i = 0; i <= n; i++) out[i] = (unsigned char)s[i];
  return out;
}

/* Echo: the data output is the query itself (exact UTF-16 round trip), the result a small document. */
HRESULT HcsEnumerateComputeSystems(const wchar16 *query, wchar16 **systems, wchar16 **result) {
  note_call();
  *systems = copy16(query);
  *result = ascii16("{\"Note\":\"enumerated\"}");
  return 0;
}

/* Pending with a handle and a result document, as the legacy API does. */
HRESULT HcsCreateComputeSystem(const wchar16 *id, const wchar16 *configuration, void *identity, void **system, wchar16 **result) {
  note_call();
  (void)configuration;
  *system = identity == NULL ? (void *)(uintptr_t)(0x1000 + len16(id)) : NULL;
  *result = ascii16("{\"Error\":-1070137085,\"ErrorMessage\":\"pending\"}");
  return (HRESULT)0xC0370103;
}

/* Fails without touching either output: the binding must not free whatever was in the slots. */
HRESULT HcsOpenComputeSystem(const wchar16 *id, void **system, wchar16 **result) {
  note_call();
  (void)id; (void)system; (void)result;
  return (HRESULT)0x80070490;
}

HRESULT HcsCloseComputeSystem(void *system) {
  note_call();
  return system == NULL ? (HRESULT)0x80070006 : 0;
}

/* The options string comes back inside the result document's ErrorMessage, on failure. */
HRESULT HcsStartComputeSystem(void *system, const wchar16 *options, wchar16 **result) {
  note_call();
  (void)system;
  *result = copy16(options);
  return (HRESULT)0xC0370105;
}

/* Both outputs set on failure: both must be freed. */
HRESULT HcsGetComputeSystemProperties(void *system, const wchar16 *query, wchar16 **properties, wchar16 **result) {
  note_call();
  (void)system; (void)query;
  *properties = ascii16("{\"Id\":\"partial\"}");
  *result = ascii16("{\"Error\":-2147467259}");
  return (HRESULT)0x80004005;
}

static notification_cb registered_cb;
static void *registered_ctx;
static pthread_t notifier;
static int notifier_running;

static void *notify(void *arg) {
  (void)arg;
  static const wchar16 data[] = {'{', '"', 'x', '"', ':', '"', 0x2713, 0xD83D, 0xDE00, '"', '}', 0};
  usleep(10000);
  registered_cb(2, registered_ctx, 0, data);
  registered_cb(0x10000, registered_ctx, (HRESULT)0xC0370106, NULL);
  return NULL;
}

HRESULT HcsRegisterComputeSystemCallback(void *system, notification_cb cb, void *context, void **handle) {
  note_call();
  (void)system;
  registered_cb = cb;
  registered_ctx = context;
  *handle = (void *)(uintptr_t)0xCB;
  notifier_running = pthread_create(&notifier, NULL, notify, NULL) == 0;
  return 0;
}

/* Waits for the notifying thread, which is calling into JS: deadlocks unless this runs off the JS thread. */
HRESULT HcsUnregisterComputeSystemCallback(void *handle) {
  note_call();
  if (handle != (void *)(uintptr_t)0xCB) return (HRESULT)0x80070006;
  if (notifier_running) pthread_join(notifier, NULL);
  notifier_running = 0;
  registered_cb = NULL;
  return 0;
}

HRESULT HcsCreateProcess(void *system, const wchar16 *parameters, HCS_PROCESS_INFORMATION *info, void **process, wchar16 **result) {
  note_call();
  (void)system; (void)parameters;
  info->ProcessId = 4242;
  info->Reserved = 7;
  info->StdInput = (void *)(uintptr_t)11;
  info->StdOutput = (void *)(uintptr_t)12;
  info->StdError = NULL;
  *process = (void *)(uintptr_t)0x2000;
  *result = NULL;
  return 0;
}

HRESULT HcsOpenProcess(void *system, uint32_t pid, void **process, wchar16 **result) {
  note_call();
  (void)system;
  *process = (void *)(uintptr_t)pid;
  *result = NULL;
  return 0;
}

/* Fails and leaves the struct alone: the binding must report zeros, not stack garbage. */
HRESULT HcsGetProcessInfo(void *process, HCS_PROCESS_INFORMATION *info, wchar16 **result) {
  note_call();
  (void)process; (void)info;
  *result = ascii16("{\"Error\":-2147023728}");
  return (HRESULT)0x80070490;
}

HRESULT HcsCloseProcess(void *process) {
  note_call();
  return process == NULL ? (HRESULT)0x80070006 : 0;
}

HRESULT HNSCall(const wchar16 *method, const wchar16 *path, const wchar16 *request, wchar16 **response) {
  note_call();
  (void)method; (void)path; (void)request;
  *response = ascii16("{\"Success\":true,\"Output\":[]}");
  return 0;
}
