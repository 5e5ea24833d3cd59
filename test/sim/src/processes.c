/*
 * Process exports: real host processes started through the platform seam, reaped when the platform's watcher
 * (one thread for all processes) or, where there is none, a thread of their own sees them end.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

typedef struct process_information {
  uint32_t ProcessId;
  uint32_t Reserved;
  void *StdInput;
  void *StdOutput;
  void *StdError;
} process_information;

/* The process has ended (not yet reaped): record its exit, notify, let its system finish stopping. */
static void process_ended(void *arg) {
  sim_process *p = arg;
  LOCK();
  int status = sim_os_reap(p->os);
  sim_system *s = p->sys;
  p->exited = 1;
  p->exit_code = p->console_race ? 0xC000013Au : sim_os_exit_code(status, p->killed_by_sim);
  int notify = 1, dup = 0;
  fault f;
  if (p->epoch == G.epoch && fault_take("ProcessExit", &f)) {
    if (f.has_last_wait_result) p->last_wait_result = f.last_wait_result;
    if (f.has_exit_code) p->exit_code = (uint32_t)f.exit_code;
    if (f.mode == FM_DROP) notify = 0;
    if (f.mode == FM_DUP) dup = 1;
  }
  G.live_processes--;
  s->live--;
  live_remove(p);
  char *doc = process_status_doc(p);
  dispatch_schedule(A_PROC_EXIT, s, p, N_PROCESS_EXITED, 0, doc, 0, notify, dup, 0);
  free(doc);
  sys_maybe_exited(s, G.completion_delay_ms);
  if (p->handles == 0) proc_unlist(p);
  G.reapers--;
  proc_unref(p);
  sim_cond_broadcast(&G.cond);
  UNLOCK();
}

static void reaper_main(void *arg) {
  sim_process *p = arg;
  sim_os_wait(p->os);
  process_ended(p);
}

static int typed(const jv *v, jv_type t) { return !v || v->t == JV_NULL || v->t == t; }

static const char *str_of(const jv *o, const char *key) {
  const jv *v = json_get(o, key);
  return v && v->t == JV_STR ? v->str : NULL;
}

static int bool_of(const jv *o, const char *key) {
  const jv *v = json_get(o, key);
  return v && v->t == JV_BOOL && v->b;
}

/* Checks a ProcessConfig and fills req (pointing into cfg; args/env arrays are malloc'd). */
static const char *read_process_config(const jv *cfg, sim_spawn_req *req) {
  static const char *const strs[] = {"ApplicationName", "CommandLine", "User", "WorkingDirectory"};
  static const char *const bools[] = {"EmulateConsole", "CreateStdInPipe", "CreateStdOutPipe", "CreateStdErrPipe",
                                      "CreateInUtilityVm"};
  for (size_t i = 0; i < 4; i++)
    if (!typed(json_get(cfg, strs[i]), JV_STR)) return "a process string field has the wrong type";
  for (size_t i = 0; i < 5; i++)
    if (!typed(json_get(cfg, bools[i]), JV_BOOL)) return "a process flag has the wrong type";
  const jv *args = json_get(cfg, "CommandArgs"), *env = json_get(cfg, "Environment"),
           *size = json_get(cfg, "ConsoleSize");
  if (!typed(args, JV_ARR) || !typed(env, JV_OBJ) || !typed(size, JV_ARR)) return "a process field has the wrong type";
  for (size_t i = 0; args && args->t == JV_ARR && i < args->n; i++)
    if (args->items[i]->t != JV_STR) return "CommandArgs must hold strings";
  for (size_t i = 0; env && env->t == JV_OBJ && i < env->n; i++)
    if (env->items[i]->t != JV_STR) return "Environment values must be strings";
  for (size_t i = 0; size && size->t == JV_ARR && i < size->n; i++)
    if (size->items[i]->t != JV_NUM || !size->items[i]->is_int || size->items[i]->i < 0 || size->items[i]->i > 65535)
      return "ConsoleSize must hold two small non-negative integers";
  memset(req, 0, sizeof *req);
  req->command_line = str_of(cfg, "CommandLine");
  req->application_name = str_of(cfg, "ApplicationName");
  req->working_directory = str_of(cfg, "WorkingDirectory");
  if (req->command_line && !*req->command_line) req->command_line = NULL;
  if (req->application_name && !*req->application_name) req->application_name = NULL;
  if (req->working_directory && !*req->working_directory) req->working_directory = NULL;
  if (args && args->t == JV_ARR && args->n > 0) {
    req->args = sim_xcalloc(args->n + 1, sizeof(char *));
    for (size_t i = 0; i < args->n; i++) req->args[i] = args->items[i]->str;
  }
  if (env && env->t == JV_OBJ && env->n > 0) {
    req->env = sim_xcalloc(env->n + 1, sizeof(char *));
    for (size_t i = 0; i < env->n; i++) {
      size_t kl = strlen(env->keys[i]), vl = strlen(env->items[i]->str);
      char *kv = sim_xmalloc(kl + vl + 2);
      memcpy(kv, env->keys[i], kl);
      kv[kl] = '=';
      memcpy(kv + kl + 1, env->items[i]->str, vl + 1);
      req->env[i] = kv;
    }
  }
  req->emulate_console = bool_of(cfg, "EmulateConsole");
  req->want_stdin = bool_of(cfg, "CreateStdInPipe");
  req->want_stdout = bool_of(cfg, "CreateStdOutPipe");
  req->want_stderr = bool_of(cfg, "CreateStdErrPipe");
  if (size && size->t == JV_ARR && size->n >= 1) req->console_height = (unsigned)size->items[0]->i;
  if (size && size->t == JV_ARR && size->n >= 2) req->console_width = (unsigned)size->items[1]->i;
  if (!req->command_line && !req->args && !req->application_name) return "";
  return NULL;
}

static void free_req(sim_spawn_req *req) {
  free(req->args);
  for (size_t i = 0; req->env && req->env[i]; i++) free(req->env[i]);
  free(req->env);
}

SIM_EXPORT HRESULT_ HcsCreateProcess(void *h, const wchar16 *processParameters, process_information *info,
                                     void **process, wchar16 **result) {
  if (process) *process = NULL;
  if (info) memset(info, 0, sizeof *info);
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *cfg = NULL;
  sim_spawn_req req;
  memset(&req, 0, sizeof req);
  LOCK();
  if (prologue("HcsCreateProcess", result, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = fail_with(result, HR_INVALID_HANDLE, "the compute system handle is invalid"); goto out; }
  if (!process || !info) { hr = fail_with(result, E_POINTER_, "an output pointer is NULL"); goto out; }
  cfg = parse_input(processParameters, 0, err, sizeof err);
  if (!cfg) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const char *why = read_process_config(cfg, &req);
  if (why && *why) { hr = fail_with(result, HR_INVALID_JSON, why); goto out; }
  if (why) { hr = fail_with(result, E_INVALIDARG_, "no CommandLine, CommandArgs or ApplicationName"); goto out; }
  if (s->state != ST_RUNNING || s->stopping) {
    hr = fail_with(result, HR_INVALID_STATE, "the compute system is not running");
    goto out;
  }
  unsigned epoch = G.epoch;
  sys_ref(s);
  UNLOCK();
  sim_os_proc *os = NULL;
  uint32_t pid = 0;
  sim_stdio stdio = {0, 0, 0};
  char why_buf[160] = "";
  uint32_t werr = sim_os_spawn(&req, &os, &pid, &stdio, why_buf, sizeof why_buf);
  LOCK();
  if (werr) {
    sys_unref(s);
    hr = fail_with(result, HR_FROM_WIN32(werr), why_buf);
    goto out;
  }
  sim_process *p = sim_xcalloc(1, sizeof *p);
  p->sys = s; /* takes the reference taken above */
  p->pid = pid;
  p->os = os;
  p->epoch = epoch;
  p->created_wall = sim_wall_100ns();
  p->console = req.emulate_console;
  p->refs = 1; /* the reaper's */
  G.live_processes++;
  s->live++;
  G.reapers++;
  live_add(p);
  int usable = epoch == G.epoch && s->state == ST_RUNNING && !s->stopping;
  if (usable) {
    p->refs += 2; /* listed + handle */
    p->listed = 1;
    p->next = s->procs;
    s->procs = p;
    p->handles = 1;
    G.process_handles++;
    *process = handle_new(H_PROCESS, p, hs_open(NULL, p));
    info->ProcessId = pid;
    info->StdInput = (void *)stdio.in;
    info->StdOutput = (void *)stdio.out;
    info->StdError = (void *)stdio.err;
    hr = S_OK_;
    if (req.emulate_console && !req.want_stdin) {
      /* ConPTY's start-up race (hcsshim #2831, containerd/nerdctl #4899): on real hosts a console process created
       * without a stdin handle ends at once with STATUS_CONTROL_C_EXIT more than 95% of the time. The simulator
       * makes it certain, so a client that does not work around it fails every time instead of most times. */
      p->console_race = 1;
      sim_os_kill(os);
    }
  } else {
    p->killed_by_sim = 1;
    sim_os_kill(os);
    sim_os_close_handles(&stdio);
    hr = fail_with(result, HR_INVALID_STATE, "the compute system stopped while the process was starting");
  }
  if (sim_os_watch(os, process_ended, p)) {
    sim_thread t;
    if (sim_thread_start(&t, reaper_main, p)) abort();
    sim_thread_detach(t);
  }
out:
  UNLOCK();
  free_req(&req);
  json_free(cfg);
  return hr;
}

SIM_EXPORT HRESULT_ HcsOpenProcess(void *h, uint32_t processId, void **process, wchar16 **result) {
  if (process) *process = NULL;
  fault f;
  HRESULT_ hr;
  LOCK();
  if (prologue("HcsOpenProcess", result, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = fail_with(result, HR_INVALID_HANDLE, "the compute system handle is invalid"); goto out; }
  if (!process) { hr = fail_with(result, E_POINTER_, "process is NULL"); goto out; }
  sim_process *p = s->procs;
  while (p && p->pid != processId) p = p->next;
  if (!p) { hr = fail_with(result, HR_NOT_FOUND, "no process with this id in the compute system"); goto out; }
  p->handles++;
  proc_ref(p);
  G.process_handles++;
  *process = handle_new(H_PROCESS, p, hs_open(NULL, p));
  hr = S_OK_;
out:
  UNLOCK();
  return hr;
}

SIM_EXPORT HRESULT_ HcsCloseProcess(void *h) {
  HRESULT_ hr = S_OK_;
  LOCK();
  if (close_prologue("HcsCloseProcess", &hr)) goto out;
  sim_handle *hs;
  sim_process *p = handle_free(h, H_PROCESS, &hs);
  if (!p) { hr = HR_INVALID_HANDLE; goto out; }
  hs_close(hs);
  G.process_handles--;
  if (--p->handles == 0 && p->exited) proc_unlist(p);
  proc_unref(p);
out:
  UNLOCK();
  return hr;
}

/* Common start of the per-process exports: prologue plus handle lookup. */
static sim_process *process_prologue(const char *name, void *h, wchar16 **result, HRESULT_ *hr) {
  fault f;
  if (prologue(name, result, &f, hr)) return NULL;
  sim_process *p = handle_get(h, H_PROCESS);
  if (!p) *hr = fail_with(result, HR_INVALID_HANDLE, "the process handle is invalid");
  return p;
}

SIM_EXPORT HRESULT_ HcsTerminateProcess(void *h, wchar16 **result) {
  HRESULT_ hr;
  LOCK();
  sim_process *p = process_prologue("HcsTerminateProcess", h, result, &hr);
  if (!p) goto out;
  if (p->exited) { hr = fail_with(result, HR_NOT_FOUND, "the process has already exited"); goto out; }
  p->killed_by_sim = 1;
  sim_os_kill(p->os);
  hr = S_OK_;
out:
  UNLOCK();
  return hr;
}

static const struct {
  const char *name;
  int sig;
} console_events[] = {{"CtrlC", SIM_CTRL_C}, {"CtrlBreak", SIM_CTRL_BREAK}, {"CtrlClose", SIM_CTRL_CLOSE},
                      {"CtrlLogOff", SIM_CTRL_LOGOFF}, {"CtrlShutdown", SIM_CTRL_SHUTDOWN}};

SIM_EXPORT HRESULT_ HcsSignalProcess(void *h, const wchar16 *options, wchar16 **result) {
  HRESULT_ hr;
  char err[160];
  jv *o = NULL;
  LOCK();
  sim_process *p = process_prologue("HcsSignalProcess", h, result, &hr);
  if (!p) goto out;
  o = parse_input(options, 1, err, sizeof err);
  if (!o) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const jv *sv = json_get(o, "Signal");
  int sig = 0;
  if (sv && sv->t == JV_STR) {
    size_t i = 0;
    while (i < 5 && !sim_strieq(sv->str, console_events[i].name)) i++;
    if (i == 5) { hr = fail_with(result, HR_INVALID_JSON, "unknown Signal name"); goto out; }
    sig = console_events[i].sig;
  } else if (sv && sv->t == JV_NUM) {
    if (!sv->is_int || sv->i < 0 || sv->i > 64) { hr = fail_with(result, HR_INVALID_JSON, "Signal out of range"); goto out; }
    sig = (int)sv->i;
  } else if (sv && sv->t != JV_NULL) {
    hr = fail_with(result, HR_INVALID_JSON, "Signal must be a name or a number");
    goto out;
  }
  if (p->exited) { hr = fail_with(result, HR_NOT_FOUND, "the process has already exited"); goto out; }
  uint32_t werr = sig ? sim_os_signal(p->os, sig) : 0;
  hr = werr ? fail_with(result, HR_FROM_WIN32(werr), "the signal could not be delivered") : S_OK_;
out:
  UNLOCK();
  json_free(o);
  return hr;
}

SIM_EXPORT HRESULT_ HcsGetProcessInfo(void *h, process_information *info, wchar16 **result) {
  HRESULT_ hr;
  if (info) memset(info, 0, sizeof *info);
  LOCK();
  sim_process *p = process_prologue("HcsGetProcessInfo", h, result, &hr);
  if (!p) goto out;
  if (!info) { hr = fail_with(result, E_POINTER_, "processInformation is NULL"); goto out; }
  sim_stdio st = {0, 0, 0};
  uint32_t werr = sim_os_dup_stdio(p->os, &st);
  if (werr) { hr = fail_with(result, HR_FROM_WIN32(werr), "the stdio handles could not be duplicated"); goto out; }
  info->ProcessId = p->pid;
  info->StdInput = (void *)st.in;
  info->StdOutput = (void *)st.out;
  info->StdError = (void *)st.err;
  hr = S_OK_;
out:
  UNLOCK();
  return hr;
}

SIM_EXPORT HRESULT_ HcsGetProcessProperties(void *h, wchar16 **processProperties, wchar16 **result) {
  HRESULT_ hr;
  if (processProperties) *processProperties = NULL;
  LOCK();
  sim_process *p = process_prologue("HcsGetProcessProperties", h, result, &hr);
  if (!p) goto out;
  if (!processProperties) { hr = fail_with(result, E_POINTER_, "processProperties is NULL"); goto out; }
  char *doc = process_status_doc(p);
  *processProperties = utf8_to_out(doc);
  free(doc);
  hr = S_OK_;
out:
  UNLOCK();
  return hr;
}

static int small_uint(const jv *v, unsigned *out) {
  if (!v || v->t == JV_NULL) return 1;
  if (v->t != JV_NUM || !v->is_int || v->i < 0 || v->i > 65535) return 0;
  *out = (unsigned)v->i;
  return 1;
}

SIM_EXPORT HRESULT_ HcsModifyProcess(void *h, const wchar16 *settings, wchar16 **result) {
  HRESULT_ hr;
  char err[160];
  jv *o = NULL;
  LOCK();
  sim_process *p = process_prologue("HcsModifyProcess", h, result, &hr);
  if (!p) goto out;
  o = parse_input(settings, 0, err, sizeof err);
  if (!o) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const char *op = str_of(o, "Operation");
  if (op && sim_strieq(op, "ConsoleSize")) {
    const jv *cs = json_get(o, "ConsoleSize");
    unsigned height = 0, width = 0;
    if (!cs || cs->t != JV_OBJ || !small_uint(json_get(cs, "Height"), &height) ||
        !small_uint(json_get(cs, "Width"), &width)) {
      hr = fail_with(result, HR_INVALID_JSON, "ConsoleSize must be an object with Height and Width");
      goto out;
    }
    if (p->exited) { hr = fail_with(result, HR_NOT_FOUND, "the process has already exited"); goto out; }
    sim_os_resize(p->os, height, width);
  } else if (op && sim_strieq(op, "CloseHandle")) {
    const jv *ch = json_get(o, "CloseHandle");
    const char *which = ch && ch->t == JV_OBJ ? str_of(ch, "Handle") : NULL;
    int idx = !which ? -2 : sim_strieq(which, "StdIn") ? 0 : sim_strieq(which, "StdOut") ? 1
            : sim_strieq(which, "StdErr") ? 2 : sim_strieq(which, "All") ? -1 : -2;
    if (idx == -2) { hr = fail_with(result, HR_INVALID_JSON, "CloseHandle.Handle must be StdIn, StdOut, StdErr or All"); goto out; }
    if (p->exited) { hr = fail_with(result, HR_NOT_FOUND, "the process has already exited"); goto out; }
    for (int i = 0; i < 3; i++)
      if (idx == -1 || idx == i) sim_os_close_stdio(p->os, i);
  } else {
    hr = fail_with(result, HR_INVALID_JSON, "unsupported Operation");
    goto out;
  }
  hr = S_OK_;
out:
  UNLOCK();
  json_free(o);
  return hr;
}

SIM_EXPORT HRESULT_ HcsRegisterProcessCallback(void *h, sim_callback callback, void *context, void **callbackHandle) {
  if (callbackHandle) *callbackHandle = NULL;
  fault f;
  HRESULT_ hr;
  LOCK();
  if (prologue("HcsRegisterProcessCallback", NULL, &f, &hr)) goto out;
  sim_process *p = handle_get(h, H_PROCESS);
  if (!p) { hr = HR_INVALID_HANDLE; goto out; }
  if (!callbackHandle) { hr = E_POINTER_; goto out; }
  if (!callback) { hr = E_INVALIDARG_; goto out; }
  hr = register_callback(p->sys, p, handle_state(h, H_PROCESS), callback, context, callbackHandle);
out:
  UNLOCK();
  return hr;
}

SIM_EXPORT HRESULT_ HcsUnregisterProcessCallback(void *callbackHandle) {
  return unregister_callback(callbackHandle, 1, "HcsUnregisterProcessCallback");
}
