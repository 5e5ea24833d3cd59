/*
 * Running out of file descriptors: a call that needs new descriptors fails with 0x80070004
 * (ERROR_TOO_MANY_OPEN_FILES), hands out nothing and leaves nothing open. HcsGetProcessInfo used to answer S_OK
 * with -1 cast into its handle fields. Runs in a forked child with a lowered RLIMIT_NOFILE, so the driver itself is
 * never starved.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#define TOO_MANY_FILES ((int32_t)0x80070004u)
#define FD_LIMIT 256

static int held[FD_LIMIT], nheld;

/* Takes every free descriptor below the limit but `spare`. */
static void hold_all_but(int spare) {
  nheld = 0;
  int fd;
  while (nheld < FD_LIMIT && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) held[nheld++] = fd;
  for (; spare > 0 && nheld > 0; spare--) close(held[--nheld]);
}

static void release_held(void) {
  while (nheld > 0) close(held[--nheld]);
}

static int free_fds(void) {
  hold_all_but(0);
  int n = nheld;
  release_held();
  return n;
}

/* Waits (briefly) until `want` descriptors are free again: a stdin relay drops a closed source on its own thread. */
static int settles_to(int want) {
  for (int i = 0; i < 200; i++) {
    if (free_fds() == want) return 1;
    sleep_ms(5);
  }
  return 0;
}

static int handle_ok(void *h) { return (intptr_t)h >= 3 && (intptr_t)h < FD_LIMIT; }

static int info_zero(const HCS_PROCESS_INFORMATION_ *info) {
  return !info->ProcessId && !info->StdInput && !info->StdOutput && !info->StdError;
}

static void close_info(const HCS_PROCESS_INFORMATION_ *info) {
  close_fd(info->StdInput);
  close_fd(info->StdOutput);
  close_fd(info->StdError);
}

/* HcsGetProcessInfo of p with 0..needed-1 spare descriptors fails cleanly, then succeeds with `needed`. */
static void get_info_sweep(const char *what, HCS_PROCESS_H p, int needed, int base) {
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  for (int spare = 0; spare < needed; spare++) {
    memset(&info, 0x55, sizeof info);
    hold_all_but(spare);
    int32_t hr = HcsGetProcessInfo(p, &info, &result);
    release_held();
    CHECK(hr == TOO_MANY_FILES, "%s, %d spare: 0x%08x, handles %p %p %p", what, spare, (unsigned)hr, info.StdInput,
          info.StdOutput, info.StdError);
    if (hr == TOO_MANY_FILES) CHECK(take_has(result, "\"Error\":-2147024892"), "%s: a result document", what);
    else free(take(result)), close_info(&info);
    CHECK(info_zero(&info), "%s, %d spare: nothing handed out", what, spare);
    CHECK(settles_to(base), "%s, %d spare: nothing left open (%d free, want %d)", what, spare, free_fds(), base);
  }
  memset(&info, 0x55, sizeof info);
  hold_all_but(needed);
  CHECK_HR(HcsGetProcessInfo(p, &info, &result), 0);
  release_held();
  CHECK(info.ProcessId && handle_ok(info.StdOutput) && (info.StdInput == NULL || handle_ok(info.StdInput)) &&
            (info.StdError == NULL || handle_ok(info.StdError)),
        "%s with %d spare: %p %p %p", what, needed, info.StdInput, info.StdOutput, info.StdError);
  close_info(&info);
}

/* HcsCreateProcess with ever more spare descriptors: each attempt fails cleanly until one succeeds whole. */
static void create_sweep(const char *what, HCS_SYSTEM_H h, const char *config, int base) {
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  int failed = 0, spare;
  for (spare = 0; spare < 32; spare++) {
    HCS_PROCESS_H p = (HCS_PROCESS_H)1;
    hold_all_but(spare);
    int32_t hr = HcsCreateProcess(h, W(config), &info, &p, &result);
    release_held();
    if (hr == 0) {
      free(take(result));
      CHECK(p && handle_ok(info.StdInput) && handle_ok(info.StdOutput), "%s with %d spare: %p %p %p", what, spare,
            info.StdInput, info.StdOutput, info.StdError);
      CHECK_HR(HcsTerminateProcess(p, &result), 0);
      free(take(result));
      CHECK_HR(HcsCloseProcess(p), 0);
      close_info(&info);
      break;
    }
    failed++;
    CHECK(hr == TOO_MANY_FILES, "%s, %d spare: 0x%08x", what, spare, (unsigned)hr);
    free(take(result));
    CHECK(p == NULL && info_zero(&info), "%s, %d spare: nothing handed out", what, spare);
    CHECK(settles_to(base), "%s, %d spare: nothing left open (%d free, want %d)", what, spare, free_fds(), base);
  }
  CHECK(failed > 0 && spare < 32, "%s: %d failures before a success", what, failed);
  for (int i = 0; i < 200 && stat_of("LiveProcesses") != 2; i++) sleep_ms(5);
  CHECK(stat_of("LiveProcesses") == 2, "%s: no process left behind", what);
}

static void starved_child(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_WCHAR *result = NULL;
  HCS_SYSTEM_H h = started_system("fds-1", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ pinfo, cinfo;
  HCS_PROCESS_H p = NULL, c = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"30\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true,"
                                 "\"CreateStdErrPipe\":true}"),
                            &pinfo, &p, &result),
           0);
  free(take(result));
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"30\"],\"EmulateConsole\":true,\"CreateStdInPipe\":true,"
                                 "\"CreateStdOutPipe\":true}"),
                            &cinfo, &c, &result),
           0);
  free(take(result));
  struct rlimit old, rl;
  getrlimit(RLIMIT_NOFILE, &old);
  rl = old;
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > FD_LIMIT) rl.rlim_cur = FD_LIMIT;
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0, "lower RLIMIT_NOFILE");
  int base = free_fds();
  CHECK(base > 32, "%d descriptors free below the limit", base);
  /* Pipes: stdout and stderr dups, then a new stdin pipe into the relay (two descriptors). */
  get_info_sweep("HcsGetProcessInfo (pipes)", p, 4, base);
  /* Console: two dups of the pseudo-terminal master. */
  get_info_sweep("HcsGetProcessInfo (console)", c, 2, base);
  create_sweep("HcsCreateProcess (pipes)", h,
               "{\"CommandArgs\":[\"sleep\",\"30\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true,"
               "\"CreateStdErrPipe\":true}",
               base);
  create_sweep("HcsCreateProcess (console)", h,
               "{\"CommandArgs\":[\"sleep\",\"30\"],\"EmulateConsole\":true,\"CreateStdInPipe\":true,"
               "\"CreateStdOutPipe\":true}",
               base);
  setrlimit(RLIMIT_NOFILE, &old);
  close_info(&pinfo);
  close_info(&cinfo);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsCloseProcess(c), 0);
  dispose_system(h, cb, ctx);
}

void test_fd_exhaustion(void) {
  /* Forking is safe only with no simulator thread running (one might hold a lock the child would then need). */
  ctl0("{\"Op\":\"Quiesce\"}");
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    starved_child();
    ctl0("{\"Op\":\"Quiesce\"}"); /* no thread of the child's left running at its exit (leak checkers) */
    fflush(stdout);
    fflush(stderr);
    _exit(failures ? 1 : 0);
  }
  int status = 0;
  CHECK(pid > 0, "fork");
  while (pid > 0 && waitpid(pid, &status, 0) < 0) {
  }
  CHECK(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "the starved child passed (status 0x%x)", status);
}
