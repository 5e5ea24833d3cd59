/* HcsSimControl: the simulator's test-only control export (see test/sim/README.md). */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const char *const known_exports[] = {
    "HcsEnumerateComputeSystems", "HcsCreateComputeSystem", "HcsOpenComputeSystem", "HcsCloseComputeSystem",
    "HcsStartComputeSystem", "HcsShutdownComputeSystem", "HcsTerminateComputeSystem", "HcsPauseComputeSystem",
    "HcsResumeComputeSystem", "HcsSaveComputeSystem", "HcsGetComputeSystemProperties", "HcsModifyComputeSystem",
    "HcsRegisterComputeSystemCallback", "HcsUnregisterComputeSystemCallback", "HcsCreateProcess", "HcsOpenProcess",
    "HcsCloseProcess", "HcsTerminateProcess", "HcsSignalProcess", "HcsGetProcessInfo", "HcsGetProcessProperties",
    "HcsModifyProcess", "HcsGetServiceProperties", "HcsModifyServiceSettings", "HcsRegisterProcessCallback",
    "HcsUnregisterProcessCallback", "HNSCall", "NameToGuid", "ProcessExit", "SystemExit"};

static const struct {
  const char *name;
  fault_mode mode;
} modes[] = {{"fail", FM_FAIL},       {"async-fail", FM_ASYNC_FAIL}, {"hang", FM_HANG},
             {"drop", FM_DROP},       {"duplicate", FM_DUP},         {"early", FM_EARLY},
             {"exit-during", FM_EXIT_DURING}, {"set", FM_SET}, {"sync-ok", FM_SYNC}};

static void reset_handle(int kind, void *obj, sim_handle *hs) {
  hs_close(hs);
  if (kind == H_SYSTEM) {
    sim_system *s = obj;
    s->handles--;
    G.system_handles--;
    sys_unref(s);
  } else if (kind == H_PROCESS) {
    sim_process *p = obj;
    G.process_handles--;
    /* Its system may already be forgotten (stopped, no handles): the loop over G.systems below would miss it. */
    if (--p->handles == 0) proc_unlist(p);
    proc_unref(p);
  } else {
    sim_reg *r = obj;
    r->dead = 1;
    r->hs = NULL;
    G.callbacks--;
    reg_unlink(r);
    reg_unref(r);
  }
}

static void do_reset(void) {
  G.epoch++;
  /* Every live process, including those of systems already forgotten (a kill is idempotent). */
  for (sim_process *p = G.live; p; p = p->next_live) {
    p->killed_by_sim = 1;
    sim_os_kill(p->os);
  }
  handle_free_all(reset_handle);
  while (G.regs) reg_unlink(G.regs); /* registrations whose unregister is still waiting; the waiter frees them */
  dispatch_drop_all();
  faults_clear();
  G.disconnected = 0;
  G.invalid_handles = 0;
  G.completion_delay_ms = 5;
  G.shutdown_grace_ms = 2000;
  while (G.systems) {
    sim_system *s = G.systems;
    sys_signal_processes(s, 1);
    s->state = ST_STOPPED;
    s->stopping = 0;
    while (s->procs) proc_unlist(s->procs);
    sys_unlist(s);
  }
  sim_cond_broadcast(&G.cond);
  int64_t deadline = sim_now_ms() + 5000;
  while (G.live_processes > 0 && sim_now_ms() < deadline) sim_cond_wait(&G.cond, &G.lock, 50);
}

static int int_field(const jv *o, const char *key, int64_t min, int64_t max, int64_t *out) {
  const jv *v = json_get(o, key);
  if (!v || v->t == JV_NULL) return 1;
  if (v->t != JV_NUM || !v->is_int || v->i < min || v->i > max) return 0;
  *out = v->i;
  return 1;
}

static const char *add_fault(const jv *req) {
  fault f;
  memset(&f, 0, sizeof f);
  const jv *ex = json_get(req, "Export");
  if (!ex || ex->t != JV_STR) return "Export must be a string";
  size_t k = 0, nk = sizeof known_exports / sizeof known_exports[0];
  while (k < nk && !sim_strieq(ex->str, known_exports[k])) k++;
  if (k == nk) return "unknown Export";
  strncpy(f.export_name, known_exports[k], sizeof f.export_name - 1);
  int special = !strcmp(known_exports[k], "ProcessExit") || !strcmp(known_exports[k], "SystemExit");
  f.mode = special ? FM_SET : FM_FAIL;
  const jv *mv = json_get(req, "Mode");
  if (mv && mv->t != JV_NULL) {
    if (mv->t != JV_STR) return "Mode must be a string";
    size_t m = 0, nm = sizeof modes / sizeof modes[0];
    while (m < nm && !sim_strieq(mv->str, modes[m].name)) m++;
    if (m == nm) return "unknown Mode";
    f.mode = modes[m].mode;
  }
  const jv *hv = json_get(req, "HResult");
  if (hv && hv->t != JV_NULL) {
    if (!read_hresult(hv, &f.hr)) return "HResult must be a number or a hex string";
    f.has_hr = 1;
  } else {
    f.hr = E_FAIL_;
  }
  const jv *lw = json_get(req, "LastWaitResult");
  if (lw && lw->t != JV_NULL) {
    if (!read_hresult(lw, &f.last_wait_result)) return "LastWaitResult must be a number or a hex string";
    f.has_last_wait_result = 1;
  }
  int64_t count = 1, delay = -1, code = -1;
  if (!int_field(req, "Count", 1, 1000000, &count)) return "Count must be a positive integer";
  if (!int_field(req, "DelayMs", 0, 86400000, &delay)) return "DelayMs must be a non-negative integer";
  if (!int_field(req, "ExitCode", 0, UINT32_MAX, &code)) return "ExitCode must be a 32-bit unsigned integer";
  f.count = (int)count;
  if (delay >= 0) { f.delay_ms = delay; f.has_delay = 1; }
  if (code >= 0) { f.exit_code = code; f.has_exit_code = 1; }
  fault *n = sim_xmalloc(sizeof *n);
  *n = f;
  fault **pp = &G.faults;
  while (*pp) pp = &(*pp)->next;
  *pp = n;
  return NULL;
}

static const char *notify(const jv *req, HRESULT_ *hr) {
  const jv *id = json_get(req, "Id"), *type = json_get(req, "Type"), *data = json_get(req, "Data");
  if (!id || id->t != JV_STR) return "Id must be a string";
  if (!type || type->t != JV_NUM || !type->is_int || type->i < 0 || type->i > (int64_t)UINT32_MAX)
    return "Type must be a 32-bit unsigned integer";
  if (data && data->t != JV_NULL && data->t != JV_STR) return "Data must be a string or null";
  int32_t status = 0;
  const jv *sv = json_get(req, "Status");
  if (sv && sv->t != JV_NULL && !read_hresult(sv, &status)) return "Status must be a number or a hex string";
  int64_t pid = -1, delay = 0;
  if (!int_field(req, "Pid", 0, UINT32_MAX, &pid)) return "Pid must be a 32-bit unsigned integer";
  if (!int_field(req, "DelayMs", 0, 86400000, &delay)) return "DelayMs must be a non-negative integer";
  sim_system *s = sys_find(id->str);
  if (!s) {
    *hr = HR_SYSTEM_NOT_FOUND;
    return "no compute system with this id";
  }
  sim_process *p = NULL;
  if (pid >= 0) {
    p = s->procs;
    while (p && p->pid != (uint32_t)pid) p = p->next;
    if (!p) {
      *hr = HR_NOT_FOUND;
      return "no process with this pid in the compute system";
    }
  }
  dispatch_schedule(A_NOTE, s, p, (uint32_t)type->i, status, data && data->t == JV_STR ? data->str : NULL, delay, 1,
                    0, 0);
  return NULL;
}

static void stats(sb *b) {
  int scheduled = 0, timers = 0;
  for (item *it = G.queue; it; it = it->next) {
    scheduled += it->notify && it->kind != A_SHUTDOWN_KILL;
    timers += it->kind == A_SHUTDOWN_KILL;
  }
  int faults = 0;
  for (fault *f = G.faults; f; f = f->next) faults++;
  sb_printf(b,
            "{\"SystemHandles\":%d,\"ProcessHandles\":%d,\"Callbacks\":%d,\"LiveProcesses\":%d,\"ComputeSystems\":%d,"
            "\"PendingNotifications\":%d,\"QueuedForRegistration\":%d,\"Scheduled\":%d,\"Faults\":%d,"
            "\"ShutdownTimers\":%d,\"Disconnected\":%s,\"Delivered\":%llu,\"InvalidHandles\":%d}",
            G.system_handles, G.process_handles, G.callbacks, G.live_processes, G.systems_listed,
            G.queued_notes + scheduled, G.queued_notes, scheduled, faults, timers, G.disconnected ? "true" : "false",
            (unsigned long long)G.delivered, G.invalid_handles);
}

SIM_EXPORT HRESULT_ HcsSimControl(const wchar16 *request, wchar16 **response) {
  if (response) *response = NULL;
  char err[160];
  HRESULT_ hr = S_OK_;
  sb b = {0};
  LOCK();
  jv *req = parse_input(request, 0, err, sizeof err);
  const jv *opv = req ? json_get(req, "Op") : NULL;
  const char *op = opv && opv->t == JV_STR ? opv->str : NULL;
  const char *why = NULL;
  if (!req) {
    hr = fail_with(response, HR_INVALID_JSON, err);
    goto out;
  }
  if (!op) {
    why = "Op must be a string";
  } else if (sim_strieq(op, "Stats")) {
    stats(&b);
  } else if (sim_strieq(op, "Reset")) {
    do_reset();
  } else if (sim_strieq(op, "Quiesce")) {
    do_reset();
    while (G.reapers > 0) sim_cond_wait(&G.cond, &G.lock, 50);
    UNLOCK();
    sim_os_watch_stop();
    LOCK();
    dispatch_stop_threads();
  } else if (sim_strieq(op, "Release")) {
    G.release_gen++;
    sim_cond_broadcast(&G.cond);
  } else if (sim_strieq(op, "Fault")) {
    why = add_fault(req);
  } else if (sim_strieq(op, "ClearFaults")) {
    faults_clear();
  } else if (sim_strieq(op, "Notify")) {
    HRESULT_ nhr = HR_INVALID_JSON;
    why = notify(req, &nhr);
    if (why && nhr != HR_INVALID_JSON) {
      hr = fail_with(response, nhr, why);
      goto out;
    }
  } else if (sim_strieq(op, "Disconnect")) {
    G.disconnected = 1;
    for (sim_handle *hs = G.handles; hs; hs = hs->gnext) notes_clear(&hs->pending);
    dispatch_schedule(A_DISCONNECT, NULL, NULL, N_SERVICE_DISCONNECT, 0, NULL, 0, 1, 0, 0);
  } else if (sim_strieq(op, "Config")) {
    int64_t delay = G.completion_delay_ms, grace = G.shutdown_grace_ms;
    if (!int_field(req, "CompletionDelayMs", 0, 600000, &delay) || !int_field(req, "ShutdownGraceMs", 0, 600000, &grace)) {
      why = "CompletionDelayMs and ShutdownGraceMs must be integers from 0 to 600000";
    } else {
      G.completion_delay_ms = delay;
      G.shutdown_grace_ms = grace;
      sb_printf(&b, "{\"CompletionDelayMs\":%lld,\"ShutdownGraceMs\":%lld}", (long long)delay, (long long)grace);
    }
  } else {
    why = "unknown Op";
  }
  if (why) {
    hr = fail_with(response, HR_INVALID_JSON, why);
    goto out;
  }
  if (response) *response = utf8_to_out(b.len ? b.s : "{}");
out:
  UNLOCK();
  sb_free(&b);
  json_free(req);
  return hr;
}
