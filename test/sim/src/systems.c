/* Compute system exports: create/open/close, the asynchronous state operations, modify, callbacks. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Type checks for the configuration fields the simulator reads or that HCS would reject when mistyped. */
static const struct {
  const char *key;
  jv_type type;
} config_fields[] = {
    {"SystemType", JV_STR},          {"Name", JV_STR},
    {"Owner", JV_STR},               {"VolumePath", JV_STR},
    {"IgnoreFlushesDuringBoot", JV_BOOL}, {"LayerFolderPath", JV_STR},
    {"Layers", JV_ARR},              {"Credentials", JV_STR},
    {"ProcessorCount", JV_NUM},      {"ProcessorWeight", JV_NUM},
    {"ProcessorMaximum", JV_NUM},    {"StorageIOPSMaximum", JV_NUM},
    {"StorageBandwidthMaximum", JV_NUM}, {"StorageSandboxSize", JV_NUM},
    {"MemoryMaximumInMB", JV_NUM},   {"HostName", JV_STR},
    {"MappedDirectories", JV_ARR},   {"MappedPipes", JV_ARR},
    {"HvPartition", JV_BOOL},        {"NetworkSharedContainerName", JV_STR},
    {"EndpointList", JV_ARR},        {"HvRuntime", JV_OBJ},
    {"Servicing", JV_BOOL},          {"AllowUnqualifiedDNSQuery", JV_BOOL},
    {"DNSSearchList", JV_STR},       {"ContainerType", JV_STR},
    {"TerminateOnLastHandleClosed", JV_BOOL}, {"MappedVirtualDisks", JV_ARR},
    {"AssignedDevices", JV_ARR},
};

/* 1 when v is absent, null, or of type t. */
static int typed(const jv *v, jv_type t) { return !v || v->t == JV_NULL || v->t == t; }

static const char *str_or(const jv *o, const char *key, const char *dflt) {
  const jv *v = json_get(o, key);
  return v && v->t == JV_STR ? v->str : dflt;
}

static int bool_of(const jv *o, const char *key) {
  const jv *v = json_get(o, key);
  return v && v->t == JV_BOOL && v->b;
}

/* Validates one MappedVirtualDisk object; returns a reason or NULL. */
static const char *check_disk(const jv *d) {
  if (!d || d->t != JV_OBJ) return "a MappedVirtualDisk must be an object";
  if (!typed(json_get(d, "HostPath"), JV_STR) || !typed(json_get(d, "ContainerPath"), JV_STR) ||
      !typed(json_get(d, "Cache"), JV_STR) || !typed(json_get(d, "CreateInUtilityVM"), JV_BOOL) ||
      !typed(json_get(d, "ReadOnly"), JV_BOOL) || !typed(json_get(d, "AttachOnly"), JV_BOOL))
    return "a MappedVirtualDisk field has the wrong type";
  return NULL;
}

static unsigned next_lun(const sim_system *s) {
  unsigned lun = 0;
  for (;;) {
    const disk *d = s->disks;
    while (d && d->lun != lun) d = d->next;
    if (!d) return lun;
    lun++;
  }
}

static void add_disk(sim_system *s, const jv *o) {
  disk *d = sim_xcalloc(1, sizeof *d);
  d->lun = next_lun(s);
  d->host_path = sim_strdup(str_or(o, "HostPath", ""));
  d->container_path = sim_strdup(str_or(o, "ContainerPath", ""));
  d->cache = sim_strdup(str_or(o, "Cache", ""));
  d->create_in_uvm = bool_of(o, "CreateInUtilityVM");
  d->read_only = bool_of(o, "ReadOnly");
  d->attach_only = bool_of(o, "AttachOnly");
  disk **pp = &s->disks;
  while (*pp) pp = &(*pp)->next;
  *pp = d;
}

static const char *check_config(const jv *cfg) {
  for (size_t i = 0; i < sizeof config_fields / sizeof config_fields[0]; i++)
    if (!typed(json_get(cfg, config_fields[i].key), config_fields[i].type)) return "a configuration field has the wrong type";
  const char *type = str_or(cfg, "SystemType", "Container");
  if (!sim_strieq(type, "Container") && !sim_strieq(type, "VirtualMachine")) return "unsupported SystemType";
  const jv *disks = json_get(cfg, "MappedVirtualDisks");
  for (size_t i = 0; disks && disks->t == JV_ARR && i < disks->n; i++) {
    const char *why = check_disk(disks->items[i]);
    if (why) return why;
  }
  const jv *layers = json_get(cfg, "Layers");
  for (size_t i = 0; layers && layers->t == JV_ARR && i < layers->n; i++) {
    const jv *l = layers->items[i];
    if (l->t != JV_OBJ || !typed(json_get(l, "ID"), JV_STR) || !typed(json_get(l, "Path"), JV_STR))
      return "a Layer must be an object with string ID and Path";
  }
  const jv *dirs = json_get(cfg, "MappedDirectories");
  for (size_t i = 0; dirs && dirs->t == JV_ARR && i < dirs->n; i++)
    if (dirs->items[i]->t != JV_OBJ) return "a MappedDirectory must be an object";
  return NULL;
}

static char *pending_doc(void) { return result_doc(HR_PENDING, "the operation continues asynchronously"); }

static HRESULT_ pending(wchar16 **result) {
  if (result) {
    char *d = pending_doc();
    *result = utf8_to_out(d);
    free(d);
  }
  return HR_PENDING;
}

/* Schedules the completion of an asynchronous operation as the fault (if any) says. Returns an item to wait on. */
static item *schedule_completion(sim_system *s, action_kind kind, uint32_t type, const fault *f) {
  int64_t delay = (f->mode != FM_HANG && f->has_delay) ? f->delay_ms : G.completion_delay_ms;
  switch (f->mode) {
    case FM_ASYNC_FAIL:
      dispatch_schedule(kind, s, NULL, type, f->has_hr ? f->hr : E_FAIL_, NULL, delay, 1, 0, 0);
      return NULL;
    case FM_DROP: dispatch_schedule(kind, s, NULL, type, 0, NULL, delay, 0, 0, 0); return NULL;
    case FM_DUP: dispatch_schedule(kind, s, NULL, type, 0, NULL, delay, 1, 1, 0); return NULL;
    case FM_EARLY: return dispatch_schedule(kind, s, NULL, type, 0, NULL, 0, 1, 0, 1);
    /* Done before the call returns, S_OK and no completion notification, as HCS may also answer. */
    case FM_SYNC: return dispatch_schedule(kind, s, NULL, type, 0, NULL, 0, 0, 0, 1);
    case FM_EXIT_DURING:
      s->stopping = 1;
      s->exit_scheduled = 1;
      dispatch_schedule(A_SYS_EXIT, s, NULL, N_SYSTEM_EXITED, f->has_hr ? f->hr : HR_UNEXPECTED_EXIT, NULL, delay, 1,
                        0, 0);
      return NULL;
    default: dispatch_schedule(kind, s, NULL, type, 0, NULL, delay, 1, 0, 0); return NULL;
  }
}

SIM_EXPORT HRESULT_ HcsCreateComputeSystem(const wchar16 *id, const wchar16 *configuration, void *identity,
                                           void **computeSystem, wchar16 **result) {
  (void)identity;
  if (computeSystem) *computeSystem = NULL;
  fault f;
  HRESULT_ hr;
  char err[160];
  char *sid = NULL;
  jv *cfg = NULL;
  item *wait = NULL;
  LOCK();
  if (prologue("HcsCreateComputeSystem", result, &f, &hr)) goto out;
  if (!computeSystem) { hr = fail_with(result, E_POINTER_, "computeSystem is NULL"); goto out; }
  sid = utf16_to_utf8(id, NULL);
  if (!sid || !*sid) { hr = fail_with(result, E_INVALIDARG_, "the id is empty"); goto out; }
  cfg = parse_input(configuration, 0, err, sizeof err);
  if (!cfg) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const char *why = check_config(cfg);
  if (why) { hr = fail_with(result, HR_INVALID_JSON, why); goto out; }
  if (sys_find(sid)) { hr = fail_with(result, HR_ALREADY_EXISTS, "a compute system with this id already exists"); goto out; }
  sim_system *s = sim_xcalloc(1, sizeof *s);
  s->refs = 1;
  s->epoch = G.epoch;
  s->id = sid;
  sid = NULL;
  s->name = sim_strdup(str_or(cfg, "Name", ""));
  s->owner = sim_strdup(str_or(cfg, "Owner", ""));
  s->system_type = sim_strdup(str_or(cfg, "SystemType", "Container"));
  s->container_type = sim_strdup(str_or(cfg, "ContainerType", ""));
  s->hv_partition = bool_of(cfg, "HvPartition");
  s->terminate_on_last_close = bool_of(cfg, "TerminateOnLastHandleClosed");
  s->state = ST_CREATED;
  s->exit_notify = 1;
  s->created_wall = sim_wall_100ns();
  const jv *disks = json_get(cfg, "MappedVirtualDisks");
  for (size_t i = 0; disks && disks->t == JV_ARR && i < disks->n; i++) add_disk(s, disks->items[i]);
  sys_list(s);
  s->handles++;
  sys_ref(s);
  G.system_handles++;
  *computeSystem = handle_new(H_SYSTEM, s, hs_open(s, NULL));
  wait = schedule_completion(s, A_CREATE_DONE, N_CREATE_COMPLETED, &f);
  hr = f.mode == FM_SYNC ? S_OK_ : pending(result);
out:
  if (wait) dispatch_wait_done(wait);
  UNLOCK();
  free(sid);
  json_free(cfg);
  return hr;
}

SIM_EXPORT HRESULT_ HcsOpenComputeSystem(const wchar16 *id, void **computeSystem, wchar16 **result) {
  if (computeSystem) *computeSystem = NULL;
  fault f;
  HRESULT_ hr;
  char *sid = NULL;
  LOCK();
  if (prologue("HcsOpenComputeSystem", result, &f, &hr)) goto out;
  if (!computeSystem) { hr = fail_with(result, E_POINTER_, "computeSystem is NULL"); goto out; }
  sid = utf16_to_utf8(id, NULL);
  sim_system *s = sid ? sys_find(sid) : NULL;
  if (!s) { hr = fail_with(result, HR_SYSTEM_NOT_FOUND, "no compute system with this id"); goto out; }
  s->handles++;
  sys_ref(s);
  G.system_handles++;
  *computeSystem = handle_new(H_SYSTEM, s, hs_open(s, NULL));
  hr = S_OK_;
out:
  UNLOCK();
  free(sid);
  return hr;
}

/* Shutdown/Terminate body (G.lock held); kill: 1 = Terminate. */
static HRESULT_ begin_stop(sim_system *s, int kill_them, const fault *f, wchar16 **result) {
  if (s->state == ST_STOPPED) return fail_with(result, HR_ALREADY_STOPPED, "the compute system is already stopped");
  if (!s->stopping) {
    s->stopping = 1;
    s->exit_status = f->mode == FM_ASYNC_FAIL ? (f->has_hr ? f->hr : E_FAIL_) : (f->mode == FM_EXIT_DURING ? HR_UNEXPECTED_EXIT : 0);
    s->exit_notify = f->mode != FM_DROP;
    s->exit_dup = f->mode == FM_DUP;
    if (!kill_them && dispatch_schedule(A_SHUTDOWN_KILL, s, NULL, 0, 0, NULL, G.shutdown_grace_ms, 0, 0, 0))
      s->kill_queued = 1;
  }
  sys_signal_processes(s, kill_them);
  sys_maybe_exited(s, (f->mode != FM_HANG && f->has_delay) ? f->delay_ms : G.completion_delay_ms);
  return pending(result);
}

typedef enum { OP_START, OP_SHUTDOWN, OP_TERMINATE, OP_PAUSE, OP_RESUME, OP_SAVE } sys_op;

static HRESULT_ system_op(void *h, const wchar16 *options, wchar16 **result, const char *name, sys_op op) {
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *opts = NULL;
  item *wait = NULL;
  LOCK();
  if (prologue(name, result, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = fail_with(result, HR_INVALID_HANDLE, "the compute system handle is invalid"); goto out; }
  opts = parse_input(options, 1, err, sizeof err);
  if (!opts) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  if (op == OP_SHUTDOWN || op == OP_TERMINATE) {
    hr = begin_stop(s, op == OP_TERMINATE, &f, result);
    goto out;
  }
  static const sys_state need[] = {ST_CREATED, 0, 0, ST_RUNNING, ST_PAUSED, ST_RUNNING};
  int ok = !s->op_pending && !s->stopping &&
           (s->state == need[op] || (op == OP_SAVE && s->state == ST_PAUSED));
  if (!ok) { hr = fail_with(result, HR_INVALID_STATE, "the compute system is not in a valid state for this request"); goto out; }
  static const action_kind kinds[] = {A_START_DONE, 0, 0, A_PAUSE_DONE, A_RESUME_DONE, A_SAVE_DONE};
  static const uint32_t types[] = {N_START_COMPLETED, 0, 0, N_PAUSE_COMPLETED, N_RESUME_COMPLETED, N_SAVE_COMPLETED};
  s->op_pending = 1;
  wait = schedule_completion(s, kinds[op], types[op], &f);
  hr = f.mode == FM_SYNC ? S_OK_ : pending(result);
out:
  if (wait) dispatch_wait_done(wait);
  UNLOCK();
  json_free(opts);
  return hr;
}

SIM_EXPORT HRESULT_ HcsStartComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsStartComputeSystem", OP_START);
}
SIM_EXPORT HRESULT_ HcsShutdownComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsShutdownComputeSystem", OP_SHUTDOWN);
}
SIM_EXPORT HRESULT_ HcsTerminateComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsTerminateComputeSystem", OP_TERMINATE);
}
SIM_EXPORT HRESULT_ HcsPauseComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsPauseComputeSystem", OP_PAUSE);
}
SIM_EXPORT HRESULT_ HcsResumeComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsResumeComputeSystem", OP_RESUME);
}
SIM_EXPORT HRESULT_ HcsSaveComputeSystem(void *h, const wchar16 *options, wchar16 **result) {
  return system_op(h, options, result, "HcsSaveComputeSystem", OP_SAVE);
}

SIM_EXPORT HRESULT_ HcsCloseComputeSystem(void *h) {
  HRESULT_ hr = S_OK_;
  LOCK();
  if (close_prologue("HcsCloseComputeSystem", &hr)) goto out;
  sim_handle *hs;
  sim_system *s = handle_free(h, H_SYSTEM, &hs);
  if (!s) { hr = HR_INVALID_HANDLE; goto out; }
  hs_close(hs);
  G.system_handles--;
  if (--s->handles == 0) {
    if (s->terminate_on_last_close && s->state != ST_STOPPED && !s->stopping) {
      fault none;
      memset(&none, 0, sizeof none);
      begin_stop(s, 1, &none, NULL);
    } else if (s->state == ST_STOPPED) {
      sys_unlist(s);
    }
  }
  sys_unref(s);
out:
  UNLOCK();
  return hr;
}

static const char *check_modify(const jv *req) {
  const jv *rt = json_get(req, "ResourceType");
  if (!rt || rt->t != JV_STR || !*rt->str) return "ResourceType must be a non-empty string";
  const jv *rq = json_get(req, "RequestType");
  if (!typed(rq, JV_STR)) return "RequestType must be a string";
  if (rq && rq->t == JV_STR && !sim_strieq(rq->str, "Add") && !sim_strieq(rq->str, "Remove") &&
      !sim_strieq(rq->str, "Update"))
    return "RequestType must be Add, Remove or Update";
  const jv *st = json_get(req, "Settings");
  if (sim_strieq(rt->str, "Network") && (!st || st->t != JV_STR)) return "Network Settings must be an endpoint id";
  if (sim_strieq(rt->str, "MappedVirtualDisk")) return check_disk(st);
  return NULL;
}

SIM_EXPORT HRESULT_ HcsModifyComputeSystem(void *h, const wchar16 *configuration, wchar16 **result) {
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *req = NULL;
  LOCK();
  if (prologue("HcsModifyComputeSystem", result, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = fail_with(result, HR_INVALID_HANDLE, "the compute system handle is invalid"); goto out; }
  req = parse_input(configuration, 0, err, sizeof err);
  if (!req) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const char *why = check_modify(req);
  if (why) { hr = fail_with(result, HR_INVALID_JSON, why); goto out; }
  if (s->state == ST_STOPPED || s->stopping) {
    hr = fail_with(result, HR_INVALID_STATE, "the compute system is stopped");
    goto out;
  }
  const char *rt = json_get(req, "ResourceType")->str;
  const jv *rq = json_get(req, "RequestType");
  int remove = rq && rq->t == JV_STR && sim_strieq(rq->str, "Remove");
  int update = rq && rq->t == JV_STR && sim_strieq(rq->str, "Update");
  if (sim_strieq(rt, "MappedVirtualDisk")) {
    const jv *st = json_get(req, "Settings");
    /* Legacy HCS attaches and detaches disks (reference 6.12: Add, Remove); an Update taken as Add would attach a
       second disk at a new LUN. Unsupported request: 0xC037010D, as every other modify request HCS cannot read. */
    if (update) { hr = fail_with(result, HR_INVALID_JSON, "a MappedVirtualDisk can only be added or removed"); goto out; }
    if (!remove) {
      add_disk(s, st);
    } else {
      const char *cp = str_or(st, "ContainerPath", ""), *hp = str_or(st, "HostPath", "");
      disk **pp = &s->disks;
      while (*pp && !((*cp && !strcmp((*pp)->container_path, cp)) || (!*cp && *hp && !strcmp((*pp)->host_path, hp))))
        pp = &(*pp)->next;
      if (!*pp) { hr = fail_with(result, HR_NOT_FOUND, "no such mapped virtual disk"); goto out; }
      disk *d = *pp;
      *pp = d->next;
      free(d->host_path);
      free(d->container_path);
      free(d->cache);
      free(d);
    }
  }
  s->modifications++;
  hr = S_OK_;
out:
  UNLOCK();
  json_free(req);
  return hr;
}

/* Registration shared by systems and processes (G.lock held). */
HRESULT_ register_callback(sim_system *s, sim_process *p, sim_handle *hs, sim_callback cb, void *ctx, void **out) {
  sim_reg *r = sim_xcalloc(1, sizeof *r);
  r->refs = 1;
  r->epoch = G.epoch;
  r->sys = p ? NULL : s;
  r->proc = p;
  if (p) proc_ref(p);
  else sys_ref(s);
  r->cb = cb;
  r->ctx = ctx;
  r->hs = hs;
  hs->regs++;
  reg_link(r);
  G.callbacks++;
  *out = handle_new(H_CALLBACK, r, NULL);
  notes_flush(hs, r);
  return S_OK_;
}

HRESULT_ unregister_callback(void *h, int want_process, const char *name) {
  HRESULT_ hr = S_OK_;
  LOCK();
  if (close_prologue(name, &hr)) goto out;
  sim_reg *r = handle_get(h, H_CALLBACK);
  if (!r || (want_process != (r->proc != NULL))) {
    if (r) G.invalid_handles++; /* a process registration given to the system export, or the reverse */
    hr = HR_INVALID_HANDLE;
    goto out;
  }
  handle_free(h, H_CALLBACK, NULL);
  r->dead = 1;
  if (r->hs) r->hs->regs--;
  dispatch_take_back_replays(r);
  r->hs = NULL;
  G.callbacks--;
  /* As HCS does: wait for callbacks in flight on this registration (deadlocks if called from one of them). */
  while (r->in_flight > 0) sim_cond_wait(&G.cond, &G.lock, -1);
  reg_unlink(r);
  reg_unref(r);
out:
  UNLOCK();
  return hr;
}

SIM_EXPORT HRESULT_ HcsRegisterComputeSystemCallback(void *h, sim_callback callback, void *context,
                                                     void **callbackHandle) {
  if (callbackHandle) *callbackHandle = NULL;
  fault f;
  HRESULT_ hr;
  LOCK();
  if (prologue("HcsRegisterComputeSystemCallback", NULL, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = HR_INVALID_HANDLE; goto out; }
  if (!callbackHandle) { hr = E_POINTER_; goto out; }
  if (!callback) { hr = E_INVALIDARG_; goto out; }
  hr = register_callback(s, NULL, handle_state(h, H_SYSTEM), callback, context, callbackHandle);
out:
  UNLOCK();
  return hr;
}

SIM_EXPORT HRESULT_ HcsUnregisterComputeSystemCallback(void *callbackHandle) {
  return unregister_callback(callbackHandle, 0, "HcsUnregisterComputeSystemCallback");
}
