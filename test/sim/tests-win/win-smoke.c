/*
 * Windows smoke test of vmcompute.dll (run under Wine or Windows): loads the DLL by path like koffi does, drives a
 * compute system and real processes through overlapped pipes, and checks notifications and counters.
 * Usage: win-smoke.exe <path of vmcompute.dll> <path of win-child.exe>; exit code 1 on any failed check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

typedef int32_t(WINAPI *fn_generic)();
typedef void (*cb_t)(uint32_t, void *, int32_t, const wchar_t *);
typedef struct {
  uint32_t ProcessId, Reserved;
  HANDLE StdInput, StdOutput, StdError;
} proc_info;

static int failures;
#define CHECK(c, ...)                                   \
  do {                                                  \
    if (!(c)) {                                         \
      failures++;                                       \
      printf("FAIL line %d: %s: ", __LINE__, #c);       \
      printf(__VA_ARGS__);                              \
      printf("\n");                                     \
    }                                                   \
  } while (0)

static HMODULE dll;
static void *sym(const char *name) {
  void *p = (void *)GetProcAddress(dll, name);
  if (!p) {
    printf("missing export %s\n", name);
    exit(2);
  }
  return p;
}

static CRITICAL_SECTION lock;
static struct {
  uint32_t type;
  uintptr_t ctx;
  int32_t status;
  char data[256];
} events[64];
static int nevents;

static void on_note(uint32_t type, void *ctx, int32_t status, const wchar_t *data) {
  EnterCriticalSection(&lock);
  if (nevents < 64) {
    events[nevents].type = type;
    events[nevents].ctx = (uintptr_t)ctx;
    events[nevents].status = status;
    events[nevents].data[0] = 0;
    if (data) WideCharToMultiByte(CP_UTF8, 0, data, -1, events[nevents].data, 256, NULL, NULL);
    nevents++;
  }
  LeaveCriticalSection(&lock);
}

static int wait_note(uintptr_t ctx, uint32_t type, char *data_out) {
  for (int t = 0; t < 1000; t++) {
    EnterCriticalSection(&lock);
    for (int i = 0; i < nevents; i++) {
      if (events[i].ctx == ctx && events[i].type == type) {
        if (data_out) strcpy(data_out, events[i].data);
        int32_t st = events[i].status;
        LeaveCriticalSection(&lock);
        return st == 0 ? 1 : 2;
      }
    }
    LeaveCriticalSection(&lock);
    Sleep(10);
  }
  return 0;
}

static char *narrow_free(wchar_t *w) {
  static char buf[2048];
  buf[0] = 0;
  if (w) {
    WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, sizeof buf, NULL, NULL);
    CoTaskMemFree(w);
  }
  return buf;
}

static int write_pipe(HANDLE h, const char *s) {
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  DWORD w = 0;
  BOOL ok = WriteFile(h, s, (DWORD)strlen(s), NULL, &ov);
  if (!ok && GetLastError() == ERROR_IO_PENDING) ok = GetOverlappedResult(h, &ov, &w, TRUE);
  else if (ok) GetOverlappedResult(h, &ov, &w, TRUE);
  CloseHandle(ov.hEvent);
  return ok ? (int)w : -1;
}

/* Bytes waiting in the pipe right now (PeekNamedPipe works on overlapped handles too). */
static DWORD available(HANDLE h) {
  DWORD avail = 0;
  return PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL) ? avail : 0;
}

/* One overlapped read that gives up after `ms`: the bytes read, 0 on timeout or EOF. */
static int read_within(HANDLE h, char *buf, int cap, DWORD ms) {
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  DWORD got = 0;
  BOOL ok = ReadFile(h, buf, (DWORD)cap, NULL, &ov);
  if (!ok && GetLastError() == ERROR_IO_PENDING) {
    if (WaitForSingleObject(ov.hEvent, ms) != WAIT_OBJECT_0) CancelIoEx(h, &ov);
    ok = GetOverlappedResult(h, &ov, &got, TRUE);
  } else if (ok) {
    GetOverlappedResult(h, &ov, &got, TRUE);
  }
  CloseHandle(ov.hEvent);
  return ok ? (int)got : 0;
}

/* Overlapped reads until the writer closes (ERROR_BROKEN_PIPE), as a binding would drive the handle. */
static int read_pipe(HANDLE h, char *buf, int cap) {
  int n = 0, got;
  while (n < cap - 1 && (got = read_within(h, buf + n, cap - 1 - n, INFINITE)) > 0) n += got;
  buf[n] = 0;
  return n;
}

static const char *stats(void) {
  int32_t(*control)(const wchar_t *, wchar_t **) = sym("HcsSimControl");
  wchar_t *resp = NULL;
  control(L"{\"Op\":\"Stats\"}", &resp);
  return narrow_free(resp);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  InitializeCriticalSection(&lock);
  wchar_t wpath[MAX_PATH], child[MAX_PATH];
  MultiByteToWideChar(CP_UTF8, 0, argv[1], -1, wpath, MAX_PATH);
  MultiByteToWideChar(CP_UTF8, 0, argv[2], -1, child, MAX_PATH);
  dll = LoadLibraryW(wpath);
  if (!dll) {
    printf("LoadLibrary failed: %lu\n", GetLastError());
    return 2;
  }
  int32_t (*create)(const wchar_t *, const wchar_t *, void *, void **, wchar_t **) = sym("HcsCreateComputeSystem");
  int32_t (*reg)(void *, cb_t, void *, void **) = sym("HcsRegisterComputeSystemCallback");
  int32_t (*unreg)(void *) = sym("HcsUnregisterComputeSystemCallback");
  int32_t (*start)(void *, const wchar_t *, wchar_t **) = sym("HcsStartComputeSystem");
  int32_t (*terminate)(void *, const wchar_t *, wchar_t **) = sym("HcsTerminateComputeSystem");
  int32_t (*close_sys)(void *) = sym("HcsCloseComputeSystem");
  int32_t (*cproc)(void *, const wchar_t *, proc_info *, void **, wchar_t **) = sym("HcsCreateProcess");
  int32_t (*regp)(void *, cb_t, void *, void **) = sym("HcsRegisterProcessCallback");
  int32_t (*unregp)(void *) = sym("HcsUnregisterProcessCallback");
  int32_t (*close_proc)(void *) = sym("HcsCloseProcess");
  int32_t (*term_proc)(void *, wchar_t **) = sym("HcsTerminateProcess");
  int32_t (*props)(void *, const wchar_t *, wchar_t **, wchar_t **) = sym("HcsGetComputeSystemProperties");
  int32_t (*pinfo)(void *, proc_info *, wchar_t **) = sym("HcsGetProcessInfo");
  int32_t (*pause_sys)(void *, const wchar_t *, wchar_t **) = sym("HcsPauseComputeSystem");
  int32_t (*resume_sys)(void *, const wchar_t *, wchar_t **) = sym("HcsResumeComputeSystem");

  void *h = NULL, *cb = NULL;
  wchar_t *result = NULL, *out = NULL;
  int32_t hr = create(L"win-1", L"{\"SystemType\":\"Container\",\"Name\":\"w\"}", NULL, &h, &result);
  CHECK(hr == (int32_t)0xC0370103u && h, "create 0x%08x", (unsigned)hr);
  narrow_free(result);
  CHECK(reg(h, on_note, (void *)1, &cb) == 0, "register");
  CHECK(wait_note(1, 2, NULL) == 1, "CreateCompleted");
  hr = start(h, L"", &result);
  narrow_free(result);
  CHECK(hr == (int32_t)0xC0370103u && wait_note(1, 3, NULL) == 1, "StartCompleted");

  wchar_t json[1024];
  char buf[4096], data[256];
  /* stdin -> stdout through the child's copy loop */
  proc_info info;
  void *p = NULL, *pcb = NULL;
  char esc[MAX_PATH * 2];
  {
    int k = 0;
    for (const char *s = argv[2]; *s; s++) {
      if (*s == '\\') esc[k++] = '\\';
      esc[k++] = *s;
    }
    esc[k] = 0;
  }
  char js[2048];
  snprintf(js, sizeof js, "{\"CommandLine\":\"\\\"%s\\\" copy\",\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}", esc);
  MultiByteToWideChar(CP_UTF8, 0, js, -1, json, 1024);
  hr = cproc(h, json, &info, &p, &result);
  CHECK(hr == 0 && info.StdInput && info.StdOutput && !info.StdError, "create copy process 0x%08x %s", (unsigned)hr,
        narrow_free(result));
  CHECK(regp(p, on_note, (void *)2, &pcb) == 0, "process register");
  CHECK(write_pipe(info.StdInput, "ping\r\n") == 6, "write stdin");
  CloseHandle(info.StdInput);
  CHECK(read_pipe(info.StdOutput, buf, sizeof buf) == 6 && !strcmp(buf, "ping\r\n"), "echo: '%s'", buf);
  CloseHandle(info.StdOutput);
  CHECK(wait_note(2, 0x10000, data) == 1 && strstr(data, "\"ExitCode\":0"), "ProcessExited: %s", data);
  CHECK(unregp(pcb) == 0 && close_proc(p) == 0, "process close");

  /* exit code, environment, stdout */
  snprintf(js, sizeof js,
           "{\"CommandLine\":\"\\\"%s\\\" exit 3\",\"Environment\":{\"SIM_CHILD_MSG\":\"hello\"},\"CreateStdOutPipe\":true}", esc);
  MultiByteToWideChar(CP_UTF8, 0, js, -1, json, 1024);
  hr = cproc(h, json, &info, &p, &result);
  CHECK(hr == 0, "create exit process 0x%08x %s", (unsigned)hr, narrow_free(result));
  CHECK(read_pipe(info.StdOutput, buf, sizeof buf) == 5 && !strcmp(buf, "hello"), "env reached the child: '%s'", buf);
  CloseHandle(info.StdOutput);
  CHECK(regp(p, on_note, (void *)3, &pcb) == 0, "late register");
  CHECK(wait_note(3, 0x10000, data) == 1 && strstr(data, "\"ExitCode\":3"), "exit code 3: %s", data);
  CHECK(unregp(pcb) == 0 && close_proc(p) == 0, "process close");

  /* terminate a sleeping child; properties list it while it runs */
  snprintf(js, sizeof js, "{\"CommandLine\":\"\\\"%s\\\" sleep 30\",\"CreateStdOutPipe\":true}", esc);
  MultiByteToWideChar(CP_UTF8, 0, js, -1, json, 1024);
  hr = cproc(h, json, &info, &p, &result);
  CHECK(hr == 0, "create sleep process");
  CHECK(regp(p, on_note, (void *)4, &pcb) == 0, "register");
  proc_info dup;
  CHECK(pinfo(p, &dup, &result) == 0 && dup.StdOutput && dup.StdOutput != info.StdOutput, "fresh duplicate handle");
  CHECK(props(h, L"{\"PropertyTypes\":[\"ProcessList\",\"Statistics\"]}", &out, &result) == 0, "properties");
  char want[64];
  snprintf(want, sizeof want, "\"ProcessId\":%u", info.ProcessId);
  const char *pl = narrow_free(out);
  CHECK(strstr(pl, want) && strstr(pl, "win-child.exe"), "process list: %s", pl);
  CHECK(term_proc(p, &result) == 0, "terminate process");
  CHECK(wait_note(4, 0x10000, data) == 1 && strstr(data, "\"ExitCode\":1,"), "terminated: %s", data);
  CHECK(read_pipe(dup.StdOutput, buf, sizeof buf) == 0, "EOF on the duplicate after the exit");
  CloseHandle(dup.StdOutput);
  CloseHandle(info.StdOutput);
  CHECK(unregp(pcb) == 0 && close_proc(p) == 0, "process close");

  /* pause suspends the system's processes and resume lets them go on (NtSuspendProcess/NtResumeProcess) */
  snprintf(js, sizeof js, "{\"CommandLine\":\"\\\"%s\\\" tick\",\"CreateStdOutPipe\":true}", esc);
  MultiByteToWideChar(CP_UTF8, 0, js, -1, json, 1024);
  hr = cproc(h, json, &info, &p, &result);
  CHECK(hr == 0, "create tick process 0x%08x %s", (unsigned)hr, narrow_free(result));
  CHECK(regp(p, on_note, (void *)5, &pcb) == 0, "register");
  CHECK(read_within(info.StdOutput, buf, sizeof buf, 5000) > 0, "ticks before the pause");
  hr = pause_sys(h, L"", &result);
  narrow_free(result);
  CHECK(hr == (int32_t)0xC0370103u && wait_note(1, 4, NULL) == 1, "PauseCompleted");
  Sleep(100);
  while (available(info.StdOutput) > 0 && read_within(info.StdOutput, buf, sizeof buf, 100) > 0) {
    /* what was written before the suspension */
  }
  Sleep(400);
  DWORD paused_bytes = available(info.StdOutput);
  CHECK(paused_bytes == 0, "no output while paused (%lu bytes in 400 ms)", (unsigned long)paused_bytes);
  hr = resume_sys(h, L"", &result);
  narrow_free(result);
  CHECK(hr == (int32_t)0xC0370103u && wait_note(1, 5, NULL) == 1, "ResumeCompleted");
  CHECK(read_within(info.StdOutput, buf, sizeof buf, 5000) > 0, "ticks again after the resume");
  CHECK(term_proc(p, &result) == 0, "terminate tick process");
  CHECK(wait_note(5, 0x10000, data) == 1, "tick process exited: %s", data);
  CloseHandle(info.StdOutput);
  CHECK(unregp(pcb) == 0 && close_proc(p) == 0, "process close");

  hr = terminate(h, L"", &result);
  narrow_free(result);
  CHECK(hr == (int32_t)0xC0370103u && wait_note(1, 1, NULL) == 1, "SystemExited");
  CHECK(unreg(cb) == 0 && close_sys(h) == 0, "close system");
  CHECK(close_sys(h) == (int32_t)0x80070006u, "closed handle is invalid");
  /* Reset kills a live process and forgets everything. */
  snprintf(js, sizeof js, "{\"CommandLine\":\"\\\"%s\\\" sleep 30\"}", esc);
  MultiByteToWideChar(CP_UTF8, 0, js, -1, json, 1024);
  void *h2 = NULL, *p2 = NULL;
  hr = create(L"win-2", L"{}", NULL, &h2, &result);
  narrow_free(result);
  Sleep(50);
  hr = start(h2, L"", &result);
  narrow_free(result);
  Sleep(100);
  hr = cproc(h2, json, &info, &p2, &result);
  CHECK(hr == 0, "create a process to be reset 0x%08x %s", (unsigned)hr, narrow_free(result));
  {
    int32_t (*control)(const wchar_t *, wchar_t **) = sym("HcsSimControl");
    wchar_t *resp = NULL;
    CHECK(control(L"{\"Op\":\"Reset\"}", &resp) == 0, "reset");
    narrow_free(resp);
    const char *st2 = stats();
    CHECK(strstr(st2, "\"LiveProcesses\":0,\"ComputeSystems\":0,"), "reset killed and forgot: %s", st2);
    HANDLE ph = OpenProcess(SYNCHRONIZE, FALSE, info.ProcessId);
    CHECK(!ph || WaitForSingleObject(ph, 2000) == WAIT_OBJECT_0, "the process is gone");
    if (ph) CloseHandle(ph);
    CHECK(close_proc(p2) == (int32_t)0x80070006u && close_sys(h2) == (int32_t)0x80070006u, "handles invalid after reset");
  }

  const char *st = stats();
  CHECK(strstr(st, "\"SystemHandles\":0,\"ProcessHandles\":0,\"Callbacks\":0,\"LiveProcesses\":0,\"ComputeSystems\":0,"
                   "\"PendingNotifications\":0"),
        "clean counters: %s", st);
  printf("%d failed check(s)\n", failures);
  return failures ? 1 : 0;
}
