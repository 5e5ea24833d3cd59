/* HcsSimControl: faults, notifications, disconnect, configuration, and thread-safety under concurrent use. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tests.h"

static HCS_SYSTEM_H created(const char *id, uintptr_t *ctx, HCS_CALLBACK_H *cb) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  *ctx = next_ctx();
  CHECK_HR(HcsCreateComputeSystem(W(id), W("{}"), NULL, &h, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)*ctx, cb), 0);
  CHECK(wait_event(*ctx, 2, 1, 5000) != NULL, "created");
  return h;
}

void test_faults_sync(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_WCHAR *result = NULL, *props = NULL;
  HCS_SYSTEM_H h = created("fault-1", &ctx, &cb);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsStartComputeSystem\",\"HResult\":\"0xC0370109\",\"Count\":2,\"Mode\":\"fail\"}");
  CHECK(stat_of("Faults") == 1, "fault queued");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), (int32_t)0xC0370109u);
  CHECK(take_has(result, "\"Error\":-1070137079"), "injected result document");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), (int32_t)0xC0370109u);
  free(take(result));
  CHECK(stat_of("Faults") == 0, "count used up");
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsGetComputeSystemProperties\",\"Mode\":\"hang\",\"DelayMs\":200}");
  int64_t t0 = now_ms();
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  free(take(props));
  CHECK(now_ms() - t0 >= 190, "hang delayed the call (%lld ms)", (long long)(now_ms() - t0));
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsCloseComputeSystem\",\"HResult\":-2147024891}");
  CHECK_HR(HcsCloseComputeSystem(h), (int32_t)0x80070005u);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsEnumerateComputeSystems\",\"HResult\":5}");
  CHECK_HR(HcsEnumerateComputeSystems(W(""), &props, &result), 5);
  CHECK(props == NULL, "no output on failure");
  free(take(result));
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsRegisterComputeSystemCallback\",\"HResult\":\"0x8007000E\"}");
  HCS_CALLBACK_H cb2 = NULL;
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)1, &cb2), (int32_t)0x8007000Eu);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

void test_faults_async(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_WCHAR *result = NULL, *props = NULL;
  HCS_SYSTEM_H h = created("fault-2", &ctx, &cb);
  /* async-fail: pending, then StartCompleted carrying the failure and its document */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsStartComputeSystem\",\"Mode\":\"async-fail\",\"HResult\":\"0xC0370109\"}");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  const event *e = wait_event(ctx, 3, 1, 5000);
  CHECK(e && e->status == (int32_t)0xC0370109u && e->data && strstr(e->data, "\"Error\":-1070137079"),
        "failed completion with a result document");
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Created\""), "still created");
  /* drop: pending, the state changes, no notification */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsStartComputeSystem\",\"Mode\":\"drop\"}");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  sleep_ms(150);
  CHECK(count_events(ctx, 3) == 1, "dropped completion never arrives");
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Running\""), "running anyway");
  /* duplicate */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsPauseComputeSystem\",\"Mode\":\"duplicate\"}");
  CHECK_HR(HcsPauseComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 4, 2, 5000) != NULL, "PauseCompleted twice");
  /* early: the completion has been delivered before the call returns */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsResumeComputeSystem\",\"Mode\":\"early\"}");
  CHECK_HR(HcsResumeComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(count_events(ctx, 5) == 1, "ResumeCompleted delivered before the call returned");
  /* sync-ok: done before the call returns, S_OK, no result document and no completion notification */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsPauseComputeSystem\",\"Mode\":\"sync-ok\"}");
  result = NULL;
  CHECK_HR(HcsPauseComputeSystem(h, W(""), &result), 0);
  CHECK(result == NULL, "no result document with S_OK");
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Paused\""), "paused when the call returned");
  sleep_ms(50);
  CHECK(count_events(ctx, 4) == 2, "no PauseCompleted for a synchronous pause");
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);

  /* exit-during: SystemExited instead of StartCompleted */
  h = created("fault-3", &ctx, &cb);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsStartComputeSystem\",\"Mode\":\"exit-during\"}");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  e = wait_event(ctx, 1, 1, 5000);
  CHECK(e && e->status == (int32_t)0xC0370106u, "SystemExited with unexpected-exit status");
  sleep_ms(50);
  CHECK(count_events(ctx, 3) == 0, "no StartCompleted");
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), ALREADY_STOPPED);
  free(take(result));
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);

  /* async-fail on create: the system ends up stopped */
  HCS_SYSTEM_H h2 = NULL;
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsCreateComputeSystem\",\"Mode\":\"async-fail\",\"HResult\":\"0x80070005\"}");
  CHECK_HR(HcsCreateComputeSystem(W("fault-4"), W("{}"), NULL, &h2, &result), PENDING);
  free(take(result));
  ctx = next_ctx();
  CHECK_HR(HcsRegisterComputeSystemCallback(h2, record_cb, (void *)ctx, &cb), 0);
  e = wait_event(ctx, 2, 1, 5000);
  CHECK(e && e->status == (int32_t)0x80070005u, "failed CreateCompleted");
  /* Shutdown faults apply to SystemExited; a SystemExit fault overrides its status. */
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h2), 0);
  h = created("fault-5", &ctx, &cb);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"SystemExit\",\"HResult\":\"0xC0370106\",\"Mode\":\"duplicate\"}");
  CHECK_HR(HcsShutdownComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 1, 2, 5000) != NULL && wait_event(ctx, 1, 1, 1)->status == (int32_t)0xC0370106u,
        "SystemExit fault: status and duplicate");
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

void test_process_exit_faults(void) {
  uintptr_t ctx, pctx = next_ctx();
  HCS_CALLBACK_H cb, pcb;
  HCS_WCHAR *result = NULL, *props = NULL;
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  HCS_SYSTEM_H h = started_system("pexit-1", NULL, &ctx, &cb);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"ProcessExit\",\"LastWaitResult\":\"0x80070102\"}");
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"sleep 0.05\"}"), &info, &p, &result), 0);
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)pctx, &pcb), 0);
  const event *e = wait_event(pctx, 0x10000, 1, 5000);
  CHECK(e && e->data && strstr(e->data, "\"LastWaitResult\":-2147024638"), "LastWaitResult in the notification: %s",
        e && e->data ? e->data : "");
  CHECK_HR(HcsGetProcessProperties(p, &props, &result), 0);
  CHECK(take_has(props, "\"LastWaitResult\":-2147024638"), "and in the properties");
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsGetProcessProperties\",\"HResult\":\"0x80070490\"}");
  CHECK_HR(HcsGetProcessProperties(p, &props, &result), ELEMENT_NOT_FOUND);
  CHECK(props == NULL && take_has(result, "ErrorEvents"), "sync fault on a process export");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  /* drop: no ProcessExited at all (the kill-races-exit case) */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"ProcessExit\",\"Mode\":\"drop\"}");
  pctx = next_ctx();
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"exit 0\"}"), &info, &p, &result), 0);
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)pctx, &pcb), 0);
  for (int i = 0; i < 200 && stat_of("LiveProcesses") != 0; i++) sleep_ms(5);
  sleep_ms(50);
  CHECK(count_events(pctx, 0x10000) == 0, "exit notification dropped");
  CHECK_HR(HcsGetProcessProperties(p, &props, &result), 0);
  CHECK(take_has(props, "\"Exited\":true"), "but the process did exit");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  /* duplicate + ExitCode override */
  ctl0("{\"Op\":\"Fault\",\"Export\":\"ProcessExit\",\"Mode\":\"duplicate\",\"ExitCode\":42}");
  pctx = next_ctx();
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"exit 0\"}"), &info, &p, &result), 0);
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)pctx, &pcb), 0);
  e = wait_event(pctx, 0x10000, 2, 5000);
  CHECK(e && strstr(e->data, "\"ExitCode\":42"), "two exits with the overridden code");
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  dispose_system(h, cb, ctx);
}

/* Notifications wait per handle: a handle without a registration keeps its own copy; one opened later gets none. */
void test_queue_per_handle(void) {
  uintptr_t ctx, late_ctx = next_ctx();
  HCS_CALLBACK_H cb, late_cb;
  HCS_SYSTEM_H h = started_system("per-handle-1", NULL, &ctx, &cb), h2 = NULL, late = NULL;
  HCS_WCHAR *result = NULL;
  CHECK_HR(HcsOpenComputeSystem(W("per-handle-1"), &h2, &result), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 0x1, 1, 5000) != NULL, "SystemExited to the registered handle");
  for (int i = 0; i < 100 && stat_of("QueuedForRegistration") != 1; i++) sleep_ms(5);
  CHECK(stat_of("QueuedForRegistration") == 1, "and kept for the second handle, which has no registration");
  CHECK_HR(HcsOpenComputeSystem(W("per-handle-1"), &late, &result), 0); /* stopped, still listed: h is open */
  CHECK_HR(HcsRegisterComputeSystemCallback(late, record_cb, (void *)late_ctx, &late_cb), 0);
  sleep_ms(30);
  CHECK(count_events(late_ctx, 0x1) == 0, "a handle opened after the exit is not told of it");
  CHECK_HR(HcsCloseComputeSystem(h2), 0);
  CHECK(stat_of("QueuedForRegistration") == 0 && stat_of("PendingNotifications") == 0, "closing h2 drops its queue");
  CHECK_HR(HcsUnregisterComputeSystemCallback(late_cb), 0);
  CHECK_HR(HcsCloseComputeSystem(late), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);
  CHECK(stat_of("SystemHandles") == 0 && stat_of("Callbacks") == 0 && stat_of("ComputeSystems") == 0, "all gone");
}

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t order_seen[16];
static int order_count;

static void order_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  (void)context, (void)status, (void)data;
  pthread_mutex_lock(&order_lock);
  if (order_count < 16) order_seen[order_count++] = type;
  pthread_mutex_unlock(&order_lock);
}

/* A copy of what order_cb has seen so far (read under its lock: the callbacks run on simulator threads). */
static int order_snapshot(uint32_t out[2]) {
  pthread_mutex_lock(&order_lock);
  int n = order_count;
  out[0] = order_seen[0];
  out[1] = order_seen[1];
  pthread_mutex_unlock(&order_lock);
  return n;
}

static void order_reset(void) {
  pthread_mutex_lock(&order_lock);
  order_count = 0;
  order_seen[0] = order_seen[1] = 0;
  pthread_mutex_unlock(&order_lock);
}

static void slow_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  (void)context, (void)status, (void)data;
  if (type == 100) sleep_ms(200);
}

static void notify_type(const char *id, int type) {
  char req[160];
  snprintf(req, sizeof req, "{\"Op\":\"Notify\",\"Id\":\"%s\",\"Type\":%d}", id, type);
  ctl0(req);
}

/*
 * Replays come before newer notifications already waiting for the same target, and a registration that goes before
 * its replays ran hands them back to its handle for the next one.
 */
void test_replay_order(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb, slow, r1, r2;
  HCS_WCHAR *result = NULL;
  HCS_SYSTEM_H h = started_system("replay-1", NULL, &ctx, &cb), h2 = NULL;
  CHECK_HR(HcsRegisterComputeSystemCallback(h, slow_cb, NULL, &slow), 0);
  CHECK_HR(HcsOpenComputeSystem(W("replay-1"), &h2, &result), 0);
  uint32_t seen[2];
  order_reset();
  notify_type("replay-1", 100); /* delivered through h, slowly; a copy kept for h2 */
  sleep_ms(50);
  notify_type("replay-1", 101); /* due, waiting: the target is busy */
  sleep_ms(20);
  CHECK_HR(HcsRegisterComputeSystemCallback(h2, order_cb, NULL, &r1), 0);
  int n = 0;
  for (int i = 0; i < 100 && (n = order_snapshot(seen)) < 2; i++) sleep_ms(10);
  CHECK(n == 2 && seen[0] == 100 && seen[1] == 101, "the older, replayed 100 before 101 (%d: %u %u)", n, seen[0], seen[1]);
  CHECK_HR(HcsUnregisterComputeSystemCallback(r1), 0);

  order_reset();
  notify_type("replay-1", 100); /* slow through h again; a copy kept for h2, which has no registration now */
  sleep_ms(50);
  CHECK_HR(HcsRegisterComputeSystemCallback(h2, order_cb, NULL, &r1), 0); /* its replay waits: the target is busy */
  CHECK_HR(HcsUnregisterComputeSystemCallback(r1), 0);
  CHECK(stat_of("QueuedForRegistration") == 1, "the replay handed back to h2");
  CHECK_HR(HcsRegisterComputeSystemCallback(h2, order_cb, NULL, &r2), 0);
  for (int i = 0; i < 100 && order_snapshot(seen) < 1; i++) sleep_ms(10);
  sleep_ms(30);
  n = order_snapshot(seen);
  CHECK(n == 1 && seen[0] == 100, "the next registration through h2 gets it, once (%d)", n);
  CHECK_HR(HcsUnregisterComputeSystemCallback(r2), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(slow), 0);
  CHECK_HR(HcsCloseComputeSystem(h2), 0);
  dispose_system(h, cb, ctx);
}

void test_notify_and_queue(void) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  CHECK_HR(HcsCreateComputeSystem(W("notify-1"), W("{}"), NULL, &h, &result), PENDING);
  free(take(result));
  for (int i = 0; i < 100 && stat_of("QueuedForRegistration") != 1; i++) sleep_ms(5);
  CHECK(stat_of("PendingNotifications") == 1, "CreateCompleted queued without a registration");
  ctl0("{\"Op\":\"Notify\",\"Id\":\"notify-1\",\"Type\":6,\"Status\":\"0x80004005\",\"Data\":\"{\\\"crash\\\":1}\"}");
  sleep_ms(30);
  uintptr_t ctx = next_ctx();
  HCS_CALLBACK_H cb;
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)ctx, &cb), 0);
  const event *c = wait_event(ctx, 2, 1, 5000), *u = wait_event(ctx, 6, 1, 5000);
  CHECK(c && u && c->at_ms <= u->at_ms, "queued notifications delivered in order on registration");
  CHECK(u && u->status == (int32_t)0x80004005u && u->data && !strcmp(u->data, "{\"crash\":1}"), "unknown type with data");
  HCS_WCHAR *resp = NULL;
  CHECK_HR(HcsSimControl(W("{\"Op\":\"Notify\",\"Id\":\"missing\",\"Type\":1}"), &resp), NOT_FOUND_SYS);
  free(take(resp));
  CHECK_HR(HcsSimControl(W("{\"Op\":\"Notify\",\"Id\":\"notify-1\",\"Pid\":1,\"Type\":1}"), &resp), ELEMENT_NOT_FOUND);
  free(take(resp));
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

typedef struct unreg_arg {
  HCS_CALLBACK_H cb;
  int64_t returned_at;
} unreg_arg;

static void *unregister_thread(void *p) {
  unreg_arg *a = p;
  CHECK_HR(HcsUnregisterComputeSystemCallback(a->cb), 0);
  a->returned_at = now_ms();
  return NULL;
}

void test_unregister_waits(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_SYSTEM_H h = created("unreg-1", &ctx, &cb);
  callback_delay_ms = 300;
  ctl0("{\"Op\":\"Notify\",\"Id\":\"unreg-1\",\"Type\":9}");
  for (int i = 0; i < 2000 && !__atomic_load_n(&callbacks_running, __ATOMIC_SEQ_CST); i++) sleep_ms(1);
  CHECK(__atomic_load_n(&callbacks_running, __ATOMIC_SEQ_CST) == 1, "callback in flight");
  unreg_arg a = {cb, 0};
  pthread_t t;
  pthread_create(&t, NULL, unregister_thread, &a);
  pthread_join(t, NULL);
  const event *e = wait_event(ctx, 9, 1, 1);
  CHECK(e && a.returned_at >= e->at_ms, "unregister returned only after the in-flight callback finished");
  callback_delay_ms = 0;
  HCS_WCHAR *result = NULL;
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

void test_disconnect(void) {
  uintptr_t ctx, pctx = next_ctx();
  HCS_CALLBACK_H cb, pcb;
  HCS_WCHAR *result = NULL, *list = NULL;
  HCS_SYSTEM_H h = started_system("disc-1", NULL, &ctx, &cb);
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"30\"]}"), &info, &p, &result), 0);
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)pctx, &pcb), 0);
  ctl0("{\"Op\":\"Disconnect\"}");
  CHECK(wait_event(ctx, 0x01000000, 1, 5000) && wait_event(pctx, 0x01000000, 1, 5000), "ServiceDisconnect to every registration");
  CHECK_HR(HcsEnumerateComputeSystems(W(""), &list, &result), RPC_UNAVAILABLE);
  CHECK(take_has(result, "\"Error\":-2147023174"), "RPC unavailable document");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), RPC_UNAVAILABLE);
  free(take(result));
  CHECK_HR(HcsTerminateProcess(p, &result), RPC_UNAVAILABLE);
  free(take(result));
  char *s = ctl("{\"Op\":\"Stats\"}");
  CHECK(s && strstr(s, "\"Disconnected\":true"), "flag set: %s", STR(s));
  free(s);
  CHECK_HR(HcsUnregisterProcessCallback(pcb), 0);
  CHECK_HR(HcsCloseProcess(p), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);
  ctl0("{\"Op\":\"Reset\"}");
  CHECK_HR(HcsEnumerateComputeSystems(W(""), &list, &result), 0);
  CHECK(take_has(list, "[]"), "reset reconnects and forgets");
}

void test_config_delay(void) {
  char *s = ctl("{\"Op\":\"Config\",\"CompletionDelayMs\":150}");
  CHECK(s && strstr(s, "\"CompletionDelayMs\":150"), "config echoed: %s", STR(s));
  free(s);
  uintptr_t ctx = next_ctx();
  HCS_SYSTEM_H h = NULL;
  HCS_CALLBACK_H cb;
  HCS_WCHAR *result = NULL;
  int64_t t0 = now_ms();
  CHECK_HR(HcsCreateComputeSystem(W("delay-1"), W("{}"), NULL, &h, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)ctx, &cb), 0);
  const event *e = wait_event(ctx, 2, 1, 5000);
  CHECK(e && e->at_ms - t0 >= 140, "completion delayed (%lld ms)", e ? (long long)(e->at_ms - t0) : -1LL);
  ctl0("{\"Op\":\"Config\",\"CompletionDelayMs\":5}");
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

void test_control_errors(void) {
  static const char *const bad[] = {"", "{", "{\"Op\":1}", "{\"Op\":\"Nope\"}", "{\"Op\":\"Fault\"}",
                                    "{\"Op\":\"Fault\",\"Export\":\"HcsNothing\"}",
                                    "{\"Op\":\"Fault\",\"Export\":\"HcsOpenProcess\",\"Mode\":\"sometimes\"}",
                                    "{\"Op\":\"Fault\",\"Export\":\"HcsOpenProcess\",\"Count\":0}",
                                    "{\"Op\":\"Config\",\"CompletionDelayMs\":-1}", "{\"Op\":\"Notify\",\"Id\":\"x\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    HCS_WCHAR *resp = NULL;
    CHECK_HR(HcsSimControl(W(bad[i]), &resp), INVALID_JSON);
    CHECK(take_has(resp, "ErrorEvents"), "control error document for %s", bad[i]);
  }
  CHECK(stat_of("Faults") == 0, "no fault added by bad requests");
}

static void *churn(void *arg) {
  int id = (int)(intptr_t)arg;
  char name[32];
  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof name, "churn-%d-%d", id, i);
    HCS_SYSTEM_H h = NULL, h2 = NULL;
    HCS_WCHAR *result = NULL, *props = NULL;
    HCS_CALLBACK_H cb = NULL;
    if (HcsCreateComputeSystem(W(name), W("{}"), NULL, &h, &result) != PENDING) failures++;
    free(take(result));
    HcsRegisterComputeSystemCallback(h, record_cb, (void *)(uintptr_t)7, &cb);
    HcsOpenComputeSystem(W(name), &h2, &result);
    free(take(result));
    HcsStartComputeSystem(h2, W(""), &result);
    free(take(result));
    HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"Statistics\",\"ProcessList\"]}"), &props, &result);
    free(take(props));
    free(take(result));
    if (i % 3 == 0) {
      HCS_PROCESS_INFORMATION_ info;
      HCS_PROCESS_H p = NULL;
      sleep_ms(10);
      if (HcsCreateProcess(h, W("{\"CommandLine\":\"exit 0\"}"), &info, &p, &result) == 0) HcsCloseProcess(p);
      free(take(result));
    }
    HcsTerminateComputeSystem(h, W(""), &result);
    free(take(result));
    HcsCloseComputeSystem(h2);
    if (i % 2) HcsUnregisterComputeSystemCallback(cb);
    HcsCloseComputeSystem(h);
    HcsCloseComputeSystem(h); /* double close: invalid handle, never a crash */
    if (!(i % 2)) HcsUnregisterComputeSystemCallback(cb);
  }
  return NULL;
}

void test_concurrency(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, churn, (void *)(intptr_t)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 200 && stat_of("ComputeSystems") != 0; i++) sleep_ms(10);
  CHECK(stat_of("ComputeSystems") == 0, "every churned system was terminated and closed");
  CHECK(stat_of("Callbacks") == 0 && stat_of("SystemHandles") == 0, "no handle or registration left");
}

void test_reset_collects(void) {
  HCS_SYSTEM_H h = NULL, h2 = NULL;
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  HCS_CALLBACK_H cb = NULL, pcb = NULL;
  uintptr_t ctx;
  h = started_system("reset-1", NULL, &ctx, &cb);
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"30\"],\"CreateStdOutPipe\":true}"), &info, &p, &result), 0);
  CHECK_HR(HcsRegisterProcessCallback(p, record_cb, (void *)next_ctx(), &pcb), 0);
  CHECK_HR(HcsCreateComputeSystem(W("reset-2"), W("{}"), NULL, &h2, &result), PENDING);
  free(take(result));
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsOpenProcess\",\"Count\":5}");
  sleep_ms(30); /* reset-2's CreateCompleted is now queued for a registration */
  CHECK(stat_of("QueuedForRegistration") == 1, "one queued notification before the reset");
  ctl0("{\"Op\":\"Reset\"}");
  static const char *const fields[] = {"SystemHandles", "ProcessHandles", "Callbacks", "LiveProcesses",
                                       "ComputeSystems", "PendingNotifications", "Faults"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    CHECK(stat_of(fields[i]) == 0, "%s is 0 right after Reset", fields[i]);
  CHECK_HR(HcsCloseProcess(p), INVALID_HANDLE);
  CHECK_HR(HcsUnregisterProcessCallback(pcb), INVALID_HANDLE);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), INVALID_HANDLE);
  CHECK_HR(HcsCloseComputeSystem(h), INVALID_HANDLE);
  CHECK_HR(HcsCloseComputeSystem(h2), INVALID_HANDLE);
  close_fd(info.StdOutput);
}

/* A callback that unregisters another registration of the same system, whose callback has not run yet. */
static HCS_CALLBACK_H victim;
static int victim_calls, unregistered_from_callback;
/* Counts only the notification sent after the unregistration: its own CreateCompleted may arrive at any time. */
static void victim_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  (void)context; (void)status; (void)data;
  if (type == 11) __atomic_add_fetch(&victim_calls, 1, __ATOMIC_SEQ_CST);
}
static void killer_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  record_cb(type, context, status, data);
  if (type == 11 && victim) {
    if (HcsUnregisterComputeSystemCallback(victim) == 0) __atomic_store_n(&unregistered_from_callback, 1, __ATOMIC_SEQ_CST);
    victim = NULL;
  }
}

void test_unregister_sibling(void) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  HCS_CALLBACK_H killer;
  uintptr_t ctx = next_ctx();
  CHECK_HR(HcsCreateComputeSystem(W("sibling-1"), W("{}"), NULL, &h, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsRegisterComputeSystemCallback(h, killer_cb, (void *)ctx, &killer), 0);
  CHECK_HR(HcsRegisterComputeSystemCallback(h, victim_cb, NULL, &victim), 0);
  CHECK(wait_event(ctx, 2, 1, 5000) != NULL, "created");
  ctl0("{\"Op\":\"Notify\",\"Id\":\"sibling-1\",\"Type\":11}");
  CHECK(wait_event(ctx, 11, 1, 5000) != NULL, "notification delivered");
  for (int i = 0; i < 200 && !__atomic_load_n(&unregistered_from_callback, __ATOMIC_SEQ_CST); i++) sleep_ms(5);
  CHECK(__atomic_load_n(&unregistered_from_callback, __ATOMIC_SEQ_CST), "unregistered a sibling from a callback");
  sleep_ms(20);
  CHECK(__atomic_load_n(&victim_calls, __ATOMIC_SEQ_CST) == 0, "the unregistered sibling was not called");
  CHECK_HR(HcsUnregisterComputeSystemCallback(killer), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

static void *hung_call(void *arg) {
  HCS_WCHAR *props = NULL, *result = NULL;
  *(int32_t *)arg = HcsGetServiceProperties(W(""), &props, &result);
  free(take(props));
  free(take(result));
  return NULL;
}

void test_hang_release(void) {
  ctl0("{\"Op\":\"Fault\",\"Export\":\"HcsGetServiceProperties\",\"Mode\":\"hang\"}");
  int32_t hr = -1;
  pthread_t t;
  pthread_create(&t, NULL, hung_call, &hr);
  sleep_ms(100);
  CHECK(__atomic_load_n(&hr, __ATOMIC_SEQ_CST) == -1, "still hanging without a delay");
  int64_t t0 = now_ms();
  ctl0("{\"Op\":\"Release\"}");
  pthread_join(t, NULL);
  CHECK(hr == 0 && now_ms() - t0 < 1000, "Release ends the hang and the call runs normally");
}

/*
 * Calls hung by a fault and ended by a Reset belong to the service that went away: each fails with
 * 0x800706BA, does nothing in the new epoch and hands nothing out (a hung create used to create its system after
 * the Reset; a hung close or unregister used to find its handle gone and count as an invalid handle).
 */
typedef struct hung_export_call {
  int which;
  int32_t hr;
  void *handle;
  HCS_WCHAR *result;
  HCS_PROCESS_INFORMATION_ info;
} hung_export_call;

static const HCS_WCHAR *hung_id, *hung_config;
static HCS_SYSTEM_H hung_system;
static HCS_PROCESS_H hung_process;
static HCS_CALLBACK_H hung_registration;
static uint32_t hung_pid;

static void *hung_export(void *arg) {
  hung_export_call *c = arg;
  switch (c->which) {
    case 0: c->hr = HcsCreateComputeSystem(hung_id, hung_config, NULL, &c->handle, &c->result); break;
    case 1: c->hr = HcsCloseComputeSystem(hung_system); break;
    case 2: c->hr = HcsUnregisterComputeSystemCallback(hung_registration); break;
    case 3: c->hr = HcsCloseProcess(hung_process); break;
    case 4: c->hr = HcsOpenProcess(hung_system, hung_pid, &c->handle, &c->result); break;
    default: c->hr = HcsGetProcessInfo(hung_process, &c->info, &c->result); break;
  }
  return NULL;
}

void test_hang_reset(void) {
  static const char *const exports[] = {"HcsCreateComputeSystem", "HcsCloseComputeSystem",
                                        "HcsUnregisterComputeSystemCallback", "HcsCloseProcess", "HcsOpenProcess",
                                        "HcsGetProcessInfo"};
  enum { N = sizeof exports / sizeof exports[0] };
  uintptr_t ctx;
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  hung_system = started_system("hang-reset-1", NULL, &ctx, &hung_registration);
  CHECK_HR(HcsCreateProcess(hung_system, W("{\"CommandArgs\":[\"sleep\",\"30\"],\"CreateStdOutPipe\":true}"), &info,
                            &hung_process, &result),
           0);
  close_fd(info.StdOutput);
  hung_pid = info.ProcessId;
  hung_id = W("hang-reset-2");
  hung_config = W("{}");
  hung_export_call calls[N];
  pthread_t t[N];
  for (int i = 0; i < N; i++) {
    char req[160];
    snprintf(req, sizeof req, "{\"Op\":\"Fault\",\"Export\":\"%s\",\"Mode\":\"hang\"}", exports[i]);
    ctl0(req);
    memset(&calls[i], 0, sizeof calls[i]);
    memset(&calls[i].info, 0x55, sizeof calls[i].info);
    calls[i].which = i;
    calls[i].hr = -1;
    pthread_create(&t[i], NULL, hung_export, &calls[i]);
  }
  for (int i = 0; i < 200 && stat_of("Faults") != 0; i++) sleep_ms(5);
  CHECK(stat_of("Faults") == 0, "every call took its hang fault");
  ctl0("{\"Op\":\"Reset\"}");
  for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
  char want[64];
  snprintf(want, sizeof want, "\"Error\":%d", RPC_UNAVAILABLE);
  for (int i = 0; i < N; i++) {
    CHECK(calls[i].hr == RPC_UNAVAILABLE, "%s released by Reset -> 0x%08x, want 0x800706ba", exports[i],
          (unsigned)calls[i].hr);
    CHECK(calls[i].handle == NULL, "%s hands out no handle", exports[i]);
    if (i == 0 || i >= 4) CHECK(take_has(calls[i].result, want), "%s: a result document", exports[i]);
  }
  HCS_PROCESS_INFORMATION_ zero;
  memset(&zero, 0, sizeof zero);
  CHECK(!memcmp(&calls[5].info, &zero, sizeof zero), "HcsGetProcessInfo hands out no descriptor");
  static const char *const fields[] = {"SystemHandles", "ProcessHandles", "Callbacks", "LiveProcesses",
                                       "ComputeSystems", "PendingNotifications", "QueuedForRegistration",
                                       "Scheduled", "Faults", "ShutdownTimers", "InvalidHandles"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    long v = stat_of(fields[i]);
    CHECK(v == 0, "%s is %ld after the hung calls returned", fields[i], v);
  }
}

/*
 * A schedule made while Quiesce joins the dispatcher threads (G.lock released) saw them as started and started
 * none; the threads then left without running it, and it waited for some later schedule.
 */
static int gate_open, gate_entered;
static void gate_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  record_cb(type, context, status, data);
  if (type != 11) return;
  __atomic_store_n(&gate_entered, 1, __ATOMIC_SEQ_CST);
  while (!__atomic_load_n(&gate_open, __ATOMIC_SEQ_CST)) sleep_ms(1);
}

static void *quiesce(void *arg) {
  (void)arg;
  ctl0("{\"Op\":\"Quiesce\"}");
  return NULL;
}

void test_quiesce_schedule(void) {
  HCS_SYSTEM_H h = NULL, h2 = NULL;
  HCS_CALLBACK_H cb = NULL;
  HCS_WCHAR *result = NULL;
  uintptr_t ctx = next_ctx();
  CHECK_HR(HcsCreateComputeSystem(W("quiesce-1"), W("{}"), NULL, &h, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsRegisterComputeSystemCallback(h, gate_cb, (void *)ctx, &cb), 0);
  CHECK(wait_event(ctx, 2, 1, 5000) != NULL, "created");
  ctl0("{\"Op\":\"Notify\",\"Id\":\"quiesce-1\",\"Type\":11}");
  for (int i = 0; i < 1000 && !__atomic_load_n(&gate_entered, __ATOMIC_SEQ_CST); i++) sleep_ms(1);
  CHECK(__atomic_load_n(&gate_entered, __ATOMIC_SEQ_CST), "a dispatcher thread is inside the callback");
  pthread_t t;
  pthread_create(&t, NULL, quiesce, NULL);
  sleep_ms(200); /* Quiesce has reset and now waits to join the thread held by the callback */
  CHECK_HR(HcsCreateComputeSystem(W("quiesce-2"), W("{}"), NULL, &h2, &result), PENDING);
  free(take(result));
  __atomic_store_n(&gate_open, 1, __ATOMIC_SEQ_CST);
  pthread_join(t, NULL);
  /* Nothing registered on quiesce-2: its CreateCompleted moves to its handle's queue once it has run. */
  for (int i = 0; i < 200 && stat_of("QueuedForRegistration") != 1; i++) sleep_ms(5);
  CHECK(stat_of("QueuedForRegistration") == 1 && stat_of("Scheduled") == 0,
        "CreateCompleted scheduled during Quiesce ran (Scheduled %ld, QueuedForRegistration %ld)", stat_of("Scheduled"),
        stat_of("QueuedForRegistration"));
  CHECK_HR(HcsTerminateComputeSystem(h2, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h2), 0);
}
