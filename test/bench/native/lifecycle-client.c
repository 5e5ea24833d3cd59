/*
 * The native reference for the lifecycle benchmark: a small C client that drives a vmcompute-compatible library
 * (the simulator) through create, register, start, shutdown, wait for SystemExited, unregister and close, with
 * `threads` lifecycles in flight (one per thread), the way a careful native caller would.
 *
 * usage: lifecycle-client <library.so> <iterations> <threads> <configuration JSON> [completionDelayMs]
 * prints one JSON line: {"iterations":n,"threads":t,"seconds":s,"perSec":r,"errors":e}
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uchar.h>

typedef int32_t HRESULT;
typedef void (*notify_cb)(uint32_t type, void *context, int32_t status, const char16_t *data);

#define HCS_PENDING ((HRESULT)0xC0370103)
#define N_SYSTEM_EXITED 1u
#define N_CREATE_COMPLETED 2u
#define N_START_COMPLETED 3u
#define N_SERVICE_DISCONNECT 0x01000000u
#define WAIT_TIMEOUT_MS 10000

static HRESULT (*p_create)(const char16_t *, const char16_t *, void *, void **, char16_t **);
static HRESULT (*p_close)(void *);
static HRESULT (*p_start)(void *, const char16_t *, char16_t **);
static HRESULT (*p_shutdown)(void *, const char16_t *, char16_t **);
static HRESULT (*p_register)(void *, notify_cb, void *, void **);
static HRESULT (*p_unregister)(void *);
static HRESULT (*p_control)(const char16_t *, char16_t **);
static void (*p_free)(void *);

static char16_t *configuration;
static atomic_long next_iteration;
static long iterations;
static atomic_long errors;

struct waiter {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint32_t seen;
  int32_t status[8];
  int disconnected;
};

static void on_notify(uint32_t type, void *context, int32_t status, const char16_t *data) {
  (void)data;
  struct waiter *w = context;
  pthread_mutex_lock(&w->mu);
  if (type < 8) {
    w->seen |= 1u << type;
    w->status[type] = status;
  } else if (type == N_SERVICE_DISCONNECT) {
    w->disconnected = 1;
  }
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

/* Waits for notification `type`; returns its status, or -1 on timeout, disconnect or an unexpected exit. */
static int32_t wait_for(struct waiter *w, uint32_t type) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += WAIT_TIMEOUT_MS / 1000;
  int32_t result = -1;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    if (w->seen & (1u << type)) {
      result = w->status[type];
      break;
    }
    if (w->disconnected || (type != N_SYSTEM_EXITED && (w->seen & (1u << N_SYSTEM_EXITED)))) break;
    if (pthread_cond_timedwait(&w->cv, &w->mu, &deadline) == ETIMEDOUT) break;
  }
  pthread_mutex_unlock(&w->mu);
  return result;
}

static void free_result(char16_t *p) {
  if (p) p_free(p);
}

static char16_t *widen(const char *s) {
  size_t n = strlen(s);
  char16_t *w = malloc((n + 1) * sizeof *w);
  if (!w) abort();
  for (size_t i = 0; i <= n; i++) w[i] = (unsigned char)s[i];
  return w;
}

/* One create/start/shutdown/wait/close; returns 0 on success. */
static int lifecycle(long n) {
  char id_ascii[64];
  snprintf(id_ascii, sizeof id_ascii, "bench-c-%ld", n);
  char16_t *id = widen(id_ascii);
  struct waiter w;
  memset(&w, 0, sizeof w);
  pthread_mutex_init(&w.mu, NULL);
  pthread_cond_init(&w.cv, NULL);
  void *system = NULL, *callback = NULL;
  char16_t *result = NULL;
  int failed = 1;

  HRESULT hr = p_create(id, configuration, NULL, &system, &result);
  free_result(result);
  result = NULL;
  if ((hr < 0 && hr != HCS_PENDING) || !system) goto out;
  int create_pending = hr == HCS_PENDING;
  if (p_register(system, on_notify, &w, &callback) < 0) goto out_close;
  if (create_pending && wait_for(&w, N_CREATE_COMPLETED) != 0) goto out_unregister;

  hr = p_start(system, u"", &result);
  free_result(result);
  result = NULL;
  if (hr < 0 && hr != HCS_PENDING) goto out_unregister;
  if (hr == HCS_PENDING && wait_for(&w, N_START_COMPLETED) != 0) goto out_unregister;

  hr = p_shutdown(system, u"", &result);
  free_result(result);
  result = NULL;
  if (hr < 0 && hr != HCS_PENDING) goto out_unregister;
  if (wait_for(&w, N_SYSTEM_EXITED) != 0) goto out_unregister;
  failed = 0;

out_unregister:
  p_unregister(callback);
out_close:
  p_close(system);
out:
  pthread_cond_destroy(&w.cv);
  pthread_mutex_destroy(&w.mu);
  free(id);
  return failed;
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    long n = atomic_fetch_add(&next_iteration, 1);
    if (n >= iterations) return NULL;
    if (lifecycle(n)) atomic_fetch_add(&errors, 1);
  }
}

static void *need(void *lib, const char *name) {
  void *p = dlsym(lib, name);
  if (!p) {
    fprintf(stderr, "lifecycle-client: missing export %s\n", name);
    exit(2);
  }
  return p;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: lifecycle-client <library.so> <iterations> <threads> <config JSON> [completionDelayMs]\n");
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "lifecycle-client: %s\n", dlerror());
    return 2;
  }
  iterations = atol(argv[2]);
  int threads = atoi(argv[3]);
  if (threads < 1 || threads > 1024 || iterations < 1) return 2;
  configuration = widen(argv[4]);
  *(void **)&p_create = need(lib, "HcsCreateComputeSystem");
  *(void **)&p_close = need(lib, "HcsCloseComputeSystem");
  *(void **)&p_start = need(lib, "HcsStartComputeSystem");
  *(void **)&p_shutdown = need(lib, "HcsShutdownComputeSystem");
  *(void **)&p_register = need(lib, "HcsRegisterComputeSystemCallback");
  *(void **)&p_unregister = need(lib, "HcsUnregisterComputeSystemCallback");
  *(void **)&p_free = need(lib, "CoTaskMemFree");
  *(void **)&p_control = dlsym(lib, "HcsSimControl");
  if (argc > 5 && p_control) {
    char request[128];
    snprintf(request, sizeof request, "{\"Op\":\"Config\",\"CompletionDelayMs\":%d}", atoi(argv[5]));
    char16_t *wide = widen(request), *response = NULL;
    p_control(wide, &response);
    free_result(response);
    free(wide);
  }

  pthread_t *ids = calloc((size_t)threads, sizeof *ids);
  double start = now_s();
  for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
  for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
  double seconds = now_s() - start;
  printf("{\"iterations\":%ld,\"threads\":%d,\"seconds\":%.6f,\"perSec\":%.1f,\"errors\":%ld}\n", iterations, threads,
         seconds, (double)iterations / seconds, atomic_load(&errors));
  free(ids);
  free(configuration);
  return 0;
}
