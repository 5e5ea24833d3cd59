/* Process exports: real processes, pipes, exit codes, signals, consoles, queued exits. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static HCS_PROCESS_H spawn(HCS_SYSTEM_H h, const char *json, HCS_PROCESS_INFORMATION_ *info, uintptr_t *pctx,
                           HCS_CALLBACK_H *pcb) {
  HCS_PROCESS_H p = NULL;
  HCS_WCHAR *result = NULL;
  memset(info, 0, sizeof *info);
  int32_t hr = HcsCreateProcess(h, W(json), info, &p, &result);
  char *doc = take(result);
  CHECK(hr == 0, "create process %s -> 0x%08x %s", json, (unsigned)hr, doc ? doc : "");
  free(doc);
  if (pctx) {
    *pctx = next_ctx();
    CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)*pctx, pcb), 0);
  }
  return p;
}

static const event *exited(uintptr_t ctx) { return wait_event(ctx, 0x10000, 1, 5000); }

void test_process_pipes(void) {
  uintptr_t ctx, pctx;
  HCS_CALLBACK_H cb, pcb;
  HCS_SYSTEM_H h = started_system("proc-1", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ info;
  char buf[4096];
  HCS_PROCESS_H p = spawn(h, "{\"CommandArgs\":[\"cat\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true,\"ConsoleSize\":[0,0]}",
                          &info, &pctx, &pcb);
  CHECK(info.ProcessId > 0 && info.StdInput && info.StdOutput && !info.StdError, "handles as requested");
  CHECK((intptr_t)info.StdInput >= 3 && (intptr_t)info.StdOutput >= 3, "never fd 0-2");
  CHECK(stat_of("LiveProcesses") == 1 && stat_of("ProcessHandles") == 1, "process counted");
  CHECK(write((int)(intptr_t)info.StdInput, "ping\n", 5) == 5, "write stdin");
  close_fd(info.StdInput); /* the child must see EOF: the simulator keeps no copy of the caller's end */
  CHECK(read_all((intptr_t)info.StdOutput, buf, sizeof buf) == 5 && !strcmp(buf, "ping\n"), "echoed: %s", buf);
  close_fd(info.StdOutput);
  const event *e = exited(pctx);
  CHECK(e && e->status == 0 && e->data && strstr(e->data, "\"Exited\":true,\"ExitCode\":0,\"LastWaitResult\":0"),
        "ProcessExited with ProcessStatus: %s", e && e->data ? e->data : "none");
  HCS_WCHAR *props = NULL, *result = NULL;
  CHECK_HR(HcsGetProcessProperties(p, &props, &result), 0);
  CHECK(take_has(props, "\"Exited\":true"), "properties after exit");
  CHECK_HR(HcsTerminateProcess(p, &result), ELEMENT_NOT_FOUND);
  free(take(result));
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsCloseProcess(p), INVALID_HANDLE);
  CHECK_HR(HcsGetProcessProperties(p, &props, &result), INVALID_HANDLE);
  free(take(result));

  /* Exit code, working directory, environment merged over the host's, stderr. */
  p = spawn(h,
            "{\"CommandLine\":\"pwd; echo $SIM_A-$HOME_SET; echo err >&2; exit 7\",\"WorkingDirectory\":\"/tmp\","
            "\"Environment\":{\"SIM_A\":\"alpha\",\"HOME_SET\":\"yes\"},\"CreateStdOutPipe\":true,\"CreateStdErrPipe\":true}",
            &info, &pctx, &pcb);
  read_all((intptr_t)info.StdOutput, buf, sizeof buf);
  CHECK(!strcmp(buf, "/tmp\nalpha-yes\n"), "stdout: %s", buf);
  read_all((intptr_t)info.StdError, buf, sizeof buf);
  CHECK(!strcmp(buf, "err\n"), "stderr: %s", buf);
  close_fd(info.StdOutput);
  close_fd(info.StdError);
  e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":7"), "exit code 7: %s", e && e->data ? e->data : "none");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* Errors at creation. */
  HCS_PROCESS_H q = (HCS_PROCESS_H)1;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"/nonexistent/prog\"]}"), &info, &q, &result), (int32_t)0x80070002u);
  CHECK(q == NULL && take_has(result, "ErrorEvents"), "missing program");
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"true\",\"WorkingDirectory\":\"/nonexistent\"}"), &info, &q, &result),
           (int32_t)0x8007010Bu);
  free(take(result));
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":\"ls\"}"), &info, &q, &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsCreateProcess(h, W("{\"Environment\":{\"A\":1},\"CommandLine\":\"true\"}"), &info, &q, &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsCreateProcess(h, W("{}"), &info, &q, &result), (int32_t)0x80070057u);
  free(take(result));
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"true\"}"), NULL, &q, &result), (int32_t)0x80004003u);
  free(take(result));
  CHECK(stat_of("LiveProcesses") == 0, "no process left by failed creations");
  dispose_system(h, cb, ctx);
}

void test_process_control(void) {
  uintptr_t ctx, pctx, pctx2;
  HCS_CALLBACK_H cb, pcb, pcb2;
  HCS_SYSTEM_H h = started_system("proc-2", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ info, info2;
  HCS_WCHAR *result = NULL;
  char buf[256];

  HCS_PROCESS_H p = spawn(h, "{\"CommandArgs\":[\"sleep\",\"30\"]}", &info, &pctx, &pcb);
  HCS_PROCESS_H p2 = NULL;
  CHECK_HR(HcsOpenProcess(h, info.ProcessId, &p2, &result), 0);
  CHECK(p2 && p2 != p, "second process handle");
  HCS_PROCESS_H none = (HCS_PROCESS_H)1;
  CHECK_HR(HcsOpenProcess(h, 1, &none, &result), ELEMENT_NOT_FOUND);
  CHECK(none == NULL, "no handle for an unknown pid");
  free(take(result));
  CHECK_HR(HcsTerminateProcess(p, &result), 0);
  const event *e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":1,"), "terminate gives exit code 1: %s", e && e->data ? e->data : "");
  /* Queued per handle: p2 has no registration, so the exit waits for one made through p2; a handle opened after
   * the exit is never told of it. */
  for (int i = 0; i < 100 && stat_of("QueuedForRegistration") != 1; i++) sleep_ms(5);
  CHECK(stat_of("QueuedForRegistration") == 1, "the exit kept for the unregistered second handle");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsOpenProcess(h, info.ProcessId, &p, &result), 0); /* still open through the other handle */
  uintptr_t late_ctx = next_ctx(), p2_ctx = next_ctx();
  HCS_CALLBACK_H late_cb, p2_cb;
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)late_ctx, &late_cb), 0);
  CHECK_HR(HcsRegisterProcessCallback(p2, record_cb, (void *)p2_ctx, &p2_cb), 0);
  e = exited(p2_ctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":1,"), "the queued exit replayed to p2's registration");
  sleep_ms(30);
  CHECK(count_events(late_ctx, 0x10000) == 0 && count_events(p2_ctx, 0x10000) == 1,
        "the later handle's registration got nothing, p2's exactly one");
  CHECK(stat_of("QueuedForRegistration") == 0, "nothing left queued");
  CHECK_HR(HcsUnregisterProcessCallback(p2_cb), 0);
  CHECK_HR(HcsUnregisterProcessCallback(late_cb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* CtrlC arrives as SIGINT; Windows reports STATUS_CONTROL_C_EXIT. */
  p = spawn(h, "{\"CommandArgs\":[\"sleep\",\"30\"]}", &info, &pctx, &pcb);
  CHECK_HR(HcsSignalProcess(p, W("{\"Signal\":\"Bogus\"}"), &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsSignalProcess(p, W("{\"Signal\":\"CtrlC\"}"), &result), 0);
  e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":3221225786"), "ctrl-c exit: %s", e && e->data ? e->data : "");
  CHECK_HR(HcsSignalProcess(p, W("{\"Signal\":15}"), &result), ELEMENT_NOT_FOUND);
  free(take(result));
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* A numeric signal, and HcsGetProcessInfo handing out fresh duplicates. */
  p = spawn(h, "{\"CommandLine\":\"echo ready; exec sleep 30\",\"CreateStdOutPipe\":true}", &info, &pctx, &pcb);
  CHECK_HR(HcsGetProcessInfo(p, &info2, &result), 0);
  CHECK(info2.ProcessId == info.ProcessId && info2.StdOutput && info2.StdOutput != info.StdOutput && !info2.StdInput,
        "fresh stdout duplicate");
  close_fd(info.StdOutput);
  CHECK(read((int)(intptr_t)info2.StdOutput, buf, 6) == 6 && !memcmp(buf, "ready\n", 6), "read through the duplicate");
  CHECK_HR(HcsSignalProcess(p, W("{\"Signal\":9}"), &result), 0);
  e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":137"), "signal 9 -> 128+9: %s", e && e->data ? e->data : "");
  CHECK(read_all((intptr_t)info2.StdOutput, buf, sizeof buf) == 0, "EOF after exit");
  close_fd(info2.StdOutput);
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* Stdin handed out twice (creation and HcsGetProcessInfo): the child sees both, and EOF once both are closed. */
  p = spawn(h, "{\"CommandArgs\":[\"cat\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}", &info, &pctx, &pcb);
  CHECK_HR(HcsGetProcessInfo(p, &info2, &result), 0);
  CHECK(info2.StdInput && info2.StdInput != info.StdInput, "a fresh stdin handle");
  CHECK(write((int)(intptr_t)info.StdInput, "one ", 4) == 4, "write through the first stdin");
  close_fd(info.StdInput);
  sleep_ms(20);
  CHECK(write((int)(intptr_t)info2.StdInput, "two", 3) == 3, "write through the second stdin");
  close_fd(info2.StdInput);
  close_fd(info2.StdOutput);
  CHECK(read_all((intptr_t)info.StdOutput, buf, sizeof buf) == 7 && !strcmp(buf, "one two"), "both reached the child: %s", buf);
  close_fd(info.StdOutput);
  CHECK(exited(pctx) != NULL, "EOF after both were closed");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* A process that exits before anyone registers: its ProcessExited waits for the registration. */
  p = spawn(h, "{\"CommandLine\":\"exit 4\"}", &info, NULL, NULL);
  for (int i = 0; i < 200 && stat_of("LiveProcesses") != 0; i++) sleep_ms(5);
  sleep_ms(30);
  CHECK(stat_of("PendingNotifications") == 1 && stat_of("QueuedForRegistration") == 1, "exit queued");
  pctx2 = next_ctx();
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)pctx2, &pcb2), 0);
  e = exited(pctx2);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":4"), "queued exit delivered on registration");
  CHECK(stat_of("PendingNotifications") == 0, "queue drained");
  CHECK_HR(HcsUnregisterProcessCallback(pcb2), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* CloseHandle and bad modify requests. */
  p = spawn(h, "{\"CommandArgs\":[\"cat\"],\"CreateStdInPipe\":true}", &info, &pctx, &pcb);
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}"), &result), 0);
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"Nope\"}}"), &result),
           INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"Explode\"}"), &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"ConsoleSize\",\"ConsoleSize\":{\"Height\":\"x\"}}"), &result), INVALID_JSON);
  free(take(result));
  e = exited(pctx);
  CHECK(e != NULL, "CloseHandle StdIn gives the child EOF while the caller still holds its end");
  CHECK(write((int)(intptr_t)info.StdInput, "x", 1) == -1, "writing after CloseHandle fails");
  close_fd(info.StdInput);
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}"), &result),
           ELEMENT_NOT_FOUND);
  free(take(result));
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* CloseHandle StdIn right after a write: the bytes already written still reach the child before its EOF. */
  for (int round = 0; round < 10; round++) {
    p = spawn(h, "{\"CommandArgs\":[\"cat\"],\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}", &info, &pctx, &pcb);
    CHECK(write((int)(intptr_t)info.StdInput, "12345", 5) == 5, "write stdin");
    CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"CloseHandle\",\"CloseHandle\":{\"Handle\":\"StdIn\"}}"), &result), 0);
    CHECK(read_all((intptr_t)info.StdOutput, buf, sizeof buf) == 5 && !strcmp(buf, "12345"),
          "written bytes reach the child before CloseHandle's EOF (round %d): '%s'", round, buf);
    close_fd(info.StdOutput);
    close_fd(info.StdInput);
    CHECK(exited(pctx) != NULL, "cat ended at EOF");
    CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
    CHECK_HR(HcsCloseProcess(p), 0);
  }
  CHECK_HR(HcsCloseProcess(p2), 0);
  dispose_system(h, cb, ctx);
}

void test_console(void) {
  uintptr_t ctx, pctx;
  HCS_CALLBACK_H cb, pcb;
  HCS_SYSTEM_H h = started_system("tty-1", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ info;
  HCS_WCHAR *result = NULL;
  char buf[512] = "";
  HCS_PROCESS_H p = spawn(h,
                          "{\"CommandLine\":\"stty size; read x; stty size\",\"EmulateConsole\":true,"
                          "\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true,\"CreateStdErrPipe\":true,\"ConsoleSize\":[30,100]}",
                          &info, &pctx, &pcb);
  CHECK(info.StdInput && info.StdOutput && !info.StdError, "console: stdin and stdout, no stderr");
  int n = 0;
  for (int i = 0; i < 100 && !strstr(buf, "30 100"); i++) {
    ssize_t r = read((int)(intptr_t)info.StdOutput, buf + n, sizeof buf - 1 - (size_t)n);
    if (r > 0) n += (int)r;
    buf[n] = 0;
  }
  CHECK(strstr(buf, "30 100") != NULL, "initial console size: %s", buf);
  CHECK_HR(HcsModifyProcess(p, W("{\"Operation\":\"ConsoleSize\",\"ConsoleSize\":{\"Height\":40,\"Width\":120}}"), &result), 0);
  CHECK(write((int)(intptr_t)info.StdInput, "go\n", 3) == 3, "type a line");
  read_all((intptr_t)info.StdOutput, buf, sizeof buf);
  CHECK(strstr(buf, "40 120") != NULL, "resized console: %s", buf);
  CHECK(exited(pctx) != NULL, "console process exit");
  close_fd(info.StdInput);
  close_fd(info.StdOutput);
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);

  /* ConPTY's start-up race: a console without a stdin handle ends at once with STATUS_CONTROL_C_EXIT. */
  p = spawn(h, "{\"CommandArgs\":[\"sleep\",\"30\"],\"EmulateConsole\":true,\"CreateStdOutPipe\":true}", &info, &pctx, &pcb);
  CHECK(!info.StdInput && info.StdOutput, "console without stdin: stdout only");
  const event *e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":3221225786,"), "console without stdin: 0xC000013A: %s",
        e && e->data ? e->data : "no exit");
  close_fd(info.StdOutput);
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  dispose_system(h, cb, ctx);
}

void test_stop_with_processes(void) {
  uintptr_t ctx, pctx;
  HCS_CALLBACK_H cb, pcb;
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  /* Terminate kills the processes (exit code 1) and then reports SystemExited. */
  HCS_SYSTEM_H h = started_system("stop-1", NULL, &ctx, &cb);
  HCS_PROCESS_H p = spawn(h, "{\"CommandLine\":\"sleep 30 & sleep 30\"}", &info, &pctx, &pcb);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  const event *pe = exited(pctx), *se = wait_event(ctx, 1, 1, 5000);
  CHECK(pe && se && pe->data && strstr(pe->data, "\"ExitCode\":1,"), "terminate: process killed then system exited");
  HCS_PROCESS_H none = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"true\"}"), &info, &none, &result), INVALID_STATE);
  free(take(result));
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);

  /* Shutdown asks politely, then kills after the grace period. */
  ctl0("{\"Op\":\"Config\",\"ShutdownGraceMs\":300}");
  h = started_system("stop-2", NULL, &ctx, &cb);
  p = spawn(h, "{\"CommandLine\":\"trap '' TERM; sleep 30 & wait; sleep 30\"}", &info, &pctx, &pcb);
  HCS_PROCESS_H p2 = NULL;
  uintptr_t pctx2;
  HCS_CALLBACK_H pcb2;
  p2 = spawn(h, "{\"CommandArgs\":[\"sleep\",\"30\"]}", &info, &pctx2, &pcb2);
  sleep_ms(100);
  int64_t t0 = now_ms();
  CHECK_HR(HcsShutdownComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(stat_of("ShutdownTimers") == 1, "the grace-period kill waits in the queue");
  const event *polite = exited(pctx2);
  CHECK(polite && polite->data && strstr(polite->data, "\"ExitCode\":143"), "SIGTERM ends the polite one: %s",
        polite && polite->data ? polite->data : "");
  se = wait_event(ctx, 1, 1, 5000);
  CHECK(se && se->at_ms - t0 >= 250, "the stubborn one is killed after the grace period (%lld ms)",
        se ? (long long)(se->at_ms - t0) : -1LL);
  CHECK(stat_of("LiveProcesses") == 0, "all processes gone");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsUnregisterProcessCallback(pcb2), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsCloseProcess(p2), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);
  ctl0("{\"Op\":\"Config\",\"ShutdownGraceMs\":2000}");
}

/* Given both, CommandLine is what runs, as on the Windows lane and in legacy HCS (CommandArgs is LCOW-only). */
void test_command_line_wins(void) {
  uintptr_t ctx, pctx;
  HCS_CALLBACK_H cb, pcb;
  HCS_SYSTEM_H h = started_system("cmdline-1", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ info;
  char buf[256];
  HCS_PROCESS_H p = spawn(h, "{\"CommandLine\":\"echo from-command-line; exit 7\",\"CommandArgs\":[\"sh\",\"-c\","
                             "\"echo from-command-args; exit 3\"],\"CreateStdOutPipe\":true}",
                          &info, &pctx, &pcb);
  read_all((intptr_t)info.StdOutput, buf, sizeof buf);
  CHECK(!strcmp(buf, "from-command-line\n"), "stdout: %s", buf);
  close_fd(info.StdOutput);
  const event *e = exited(pctx);
  CHECK(e && e->data && strstr(e->data, "\"ExitCode\":7"), "exit code of the CommandLine: %s", e && e->data ? e->data : "none");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  dispose_system(h, cb, ctx);
}
