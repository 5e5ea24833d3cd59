/*
 * The notification dispatcher: a queue of timed actions run by a small pool of simulator threads (never the
 * caller's). Each action may change state and then calls the target's registrations with G.lock released. Actions
 * for one target (a system or a process) run one at a time and in order; different targets run in parallel, as
 * HCS's RPC worker threads do.
 */
#include <stdlib.h>

#include "sim.h"

#define NTHREADS 4

static void dispatch_main(void *arg);

static void start_threads(void) {
  if (G.dispatch_started) return;
  G.dispatch_started = 1;
  for (int i = 0; i < NTHREADS; i++)
    if (sim_thread_start(&G.dispatch_threads[i], dispatch_main, NULL)) abort();
}

item *dispatch_schedule(action_kind kind, sim_system *s, sim_process *p, uint32_t type, int32_t status,
                        const char *data, int64_t delay_ms, int notify, int dup, int waited) {
  if ((s && s->epoch != G.epoch) || (p && p->epoch != G.epoch)) return NULL; /* from before a Reset */
  item *it = sim_xcalloc(1, sizeof *it);
  it->due = delay_ms == DISPATCH_FIRST ? 0 : sim_now_ms() + (delay_ms > 0 ? delay_ms : 0);
  it->seq = ++G.seq;
  it->kind = kind;
  it->sys = s;
  it->proc = p;
  if (s) sys_ref(s);
  if (p) proc_ref(p);
  it->type = type;
  it->status = status;
  it->data = sim_strdup(data);
  it->notify = notify;
  it->dup = dup;
  it->waited = waited;
  item **pp = &G.queue;
  while (*pp && ((*pp)->due < it->due || ((*pp)->due == it->due && (*pp)->seq < it->seq))) pp = &(*pp)->next;
  it->next = *pp;
  *pp = it;
  start_threads();
  sim_cond_broadcast(&G.cond);
  return it;
}

void dispatch_wait_done(item *it) {
  if (!it) return;
  while (!it->done) sim_cond_wait(&G.cond, &G.lock, -1);
  free(it->data);
  free(it);
}

static int *busy_flag(item *it) {
  if (it->proc) return &it->proc->busy;
  if (it->sys) return &it->sys->busy;
  return NULL;
}

static void release_item(item *it) {
  if (it->kind == A_SHUTDOWN_KILL && it->sys) it->sys->kill_queued = 0;
  sim_system *s = it->sys;
  sim_process *p = it->proc;
  sim_reg *r = it->reg;
  it->sys = NULL;
  it->proc = NULL;
  it->reg = NULL;
  if (it->waited) {
    it->done = 1;
  } else {
    free(it->data);
    free(it);
  }
  if (r) reg_unref(r);
  if (p) proc_unref(p);
  if (s) sys_unref(s);
}

static int reg_matches(const sim_reg *r, sim_system *s, sim_process *p, int broadcast) {
  if (r->dead || r->epoch != G.epoch) return 0;
  if (broadcast) return 1;
  if (p) return r->proc == p;
  return r->sys == s && !r->proc;
}

/* The registrations to look at: all of them for a broadcast, else the target's own (in registration order). */
static sim_reg *first_reg(sim_system *s, sim_process *p, int broadcast) {
  return broadcast ? G.regs : p ? p->regs : s->regs;
}

static sim_reg *next_reg(const sim_reg *r, int broadcast) { return broadcast ? r->next : r->tnext; }

/*
 * Calls every matching registration (G.lock released around the calls), or only `only` for a replayed
 * notification, and keeps the notification for each open handle of the target with no registration of its own.
 */
static void deliver(sim_system *s, sim_process *p, int broadcast, uint32_t type, int32_t status, const char *data,
                    int times, sim_reg *only) {
  size_t n = 0;
  if (only) {
    if (!reg_matches(only, s, p, 0)) return; /* unregistered before its replay ran */
    n = 1;
  } else {
    for (sim_reg *r = first_reg(s, p, broadcast); r; r = next_reg(r, broadcast))
      n += (size_t)reg_matches(r, s, p, broadcast);
    if (!broadcast) hs_queue(s, p, type, status, data, times);
    if (!n) return;
  }
  sim_reg **arr = sim_xcalloc(n, sizeof *arr);
  size_t i = 0;
  if (only) {
    only->refs++;
    arr[i++] = only;
  }
  for (sim_reg *r = only ? NULL : first_reg(s, p, broadcast); r; r = next_reg(r, broadcast)) {
    if (!reg_matches(r, s, p, broadcast)) continue;
    r->refs++;
    arr[i++] = r;
  }
  wchar16 *w = data ? utf8_to_utf16(data) : NULL;
  /* A registration counts as in flight only while its own callback runs, so a callback may unregister another
   * registration of the same target (whose turn has not come) without deadlocking; that one is then skipped. */
  for (i = 0; i < n; i++) {
    sim_reg *r = arr[i];
    if (r->dead || r->epoch != G.epoch) continue;
    r->in_flight++;
    UNLOCK();
    for (int k = 0; k < times; k++) r->cb(type, r->ctx, status, w);
    LOCK();
    r->in_flight--;
    G.delivered += (uint64_t)times;
    sim_cond_broadcast(&G.cond);
  }
  for (i = 0; i < n; i++) reg_unref(arr[i]);
  free(arr);
  free(w);
  sim_cond_broadcast(&G.cond);
}

void dispatch_take_back_replays(sim_reg *r) {
  sim_handle *hs = r->hs;
  for (item **pp = &G.queue; *pp;) {
    item *c = *pp;
    if (c->reg != r) {
      pp = &c->next;
      continue;
    }
    *pp = c->next;
    if (hs && hs->regs == 0 && r->epoch == G.epoch)
      for (int k = 0; k < (c->dup ? 2 : 1); k++) hs_keep(hs, c->type, c->status, c->data);
    release_item(c);
  }
}

/*
 * Drops a stopped system's grace-period kill from the queue. Why: left there it would hold the system for the whole
 * grace period (2 s by default) and, thousands of shutdowns a second, make every timed insert walk thousands of
 * items (a tenth of a busy process's CPU in the lifecycle benchmark).
 */
static void cancel_kill(sim_system *s) {
  if (!s->kill_queued) return;
  for (item **pp = &G.queue; *pp; pp = &(*pp)->next) {
    item *c = *pp;
    if (c->kind != A_SHUTDOWN_KILL || c->sys != s) continue;
    *pp = c->next;
    release_item(c);
    return;
  }
}

static void set_result(item *it, HRESULT_ hr, const char *msg) {
  it->status = hr;
  free(it->data);
  it->data = result_doc(hr, msg);
}

static void run_item(item *it) {
  sim_system *s = it->sys;
  sim_process *p = it->proc;
  int stale = (s && s->epoch != G.epoch) || (p && p->epoch != G.epoch);
  int notify = it->notify && !stale;
  int64_t now_wall = sim_wall_100ns();
  if (!stale) {
    switch (it->kind) {
      case A_CREATE_DONE:
        if (it->status < 0) {
          s->state = ST_STOPPED;
          if (!it->data) set_result(it, it->status, "the compute system could not be created");
        }
        break;
      case A_START_DONE:
        s->op_pending = 0;
        if (it->status >= 0) {
          if (s->state == ST_CREATED && !s->stopping) {
            s->state = ST_RUNNING;
            s->started_wall = now_wall;
          } else {
            set_result(it, HR_INVALID_STATE, "the compute system stopped before it started");
          }
        } else if (!it->data) {
          set_result(it, it->status, "the compute system failed to start");
        }
        break;
      case A_PAUSE_DONE:
      case A_RESUME_DONE: {
        int pause = it->kind == A_PAUSE_DONE;
        s->op_pending = 0;
        if (it->status >= 0) {
          if (s->state == (pause ? ST_RUNNING : ST_PAUSED) && !s->stopping) {
            for (sim_process *q = s->procs; q; q = q->next)
              if (!q->exited && q->os) sim_os_suspend(q->os, pause);
            s->state = pause ? ST_PAUSED : ST_RUNNING;
          } else {
            set_result(it, HR_INVALID_STATE, "the compute system changed state during the request");
          }
        } else if (!it->data) {
          set_result(it, it->status, pause ? "the compute system failed to pause" : "the compute system failed to resume");
        }
        break;
      }
      case A_SAVE_DONE:
        s->op_pending = 0;
        if (it->status < 0 && !it->data) set_result(it, it->status, "the compute system failed to save");
        break;
      case A_SYS_EXIT: {
        if (s->state == ST_STOPPED) {
          notify = 0;
          break;
        }
        fault f;
        if (fault_take("SystemExit", &f)) {
          if (f.has_hr) it->status = f.hr;
          if (f.mode == FM_DROP) notify = 0;
          if (f.mode == FM_DUP) it->dup = 1;
        }
        s->state = ST_STOPPED;
        s->stopping = 0;
        s->op_pending = 0;
        cancel_kill(s);
        sys_signal_processes(s, 1);
        if (it->status < 0 && !it->data) set_result(it, it->status, "the compute system exited unexpectedly");
        break;
      }
      case A_SHUTDOWN_KILL:
        if (s->stopping && s->live > 0) sys_signal_processes(s, 1);
        notify = 0;
        break;
      case A_PROC_EXIT:
      case A_NOTE:
      case A_DISCONNECT:
        break;
    }
  }
  if (G.disconnected && it->kind != A_DISCONNECT) notify = 0;
  if (notify) deliver(s, p, it->kind == A_DISCONNECT, it->type, it->status, it->data, it->dup ? 2 : 1, it->reg);
  if (!stale && it->kind == A_SYS_EXIT && s->state == ST_STOPPED && s->handles == 0) sys_unlist(s);
  if (!stale && it->kind == A_CREATE_DONE && s->state == ST_STOPPED && s->handles == 0) sys_unlist(s);
}

static void dispatch_main(void *arg) {
  (void)arg;
  LOCK();
  while (!G.dispatch_stop) {
    int64_t now = sim_now_ms(), next = -1;
    item *it = NULL;
    for (item **pp = &G.queue; *pp; pp = &(*pp)->next) {
      item *c = *pp;
      if (c->due > now) {
        next = c->due;
        break; /* sorted by due time */
      }
      int *busy = busy_flag(c);
      if (busy && *busy) continue;
      it = c;
      *pp = c->next;
      break;
    }
    if (!it) {
      sim_cond_wait(&G.cond, &G.lock, next < 0 ? -1 : next - now);
      continue;
    }
    int *busy = busy_flag(it);
    if (busy) *busy = 1;
    run_item(it);
    if (busy) *busy = 0;
    release_item(it);
    sim_cond_broadcast(&G.cond);
  }
  UNLOCK();
}

void dispatch_drop_all(void) {
  while (G.queue) {
    item *it = G.queue;
    G.queue = it->next;
    release_item(it);
  }
  sim_cond_broadcast(&G.cond);
}

void dispatch_stop_threads(void) {
  while (G.dispatch_stop) sim_cond_wait(&G.cond, &G.lock, -1); /* another Quiesce is joining: never join twice */
  if (!G.dispatch_started) return;
  G.dispatch_stop = 1;
  sim_cond_broadcast(&G.cond);
  UNLOCK();
  for (int i = 0; i < NTHREADS; i++) sim_thread_join(G.dispatch_threads[i]);
  LOCK();
  G.dispatch_started = 0;
  G.dispatch_stop = 0;
  /* Scheduled while the lock was released for the joins: those saw the threads as started and started none, and
     the threads left without running it. Start them again, as a schedule after the stop would have. */
  if (G.queue) start_threads();
  sim_cond_broadcast(&G.cond);
}
