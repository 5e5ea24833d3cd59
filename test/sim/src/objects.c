/* Lifetime of compute systems, processes and registrations (reference counts; G.lock held throughout). */
#include <stdlib.h>

#include "sim.h"

sim_globals G = {
    .lock = SIM_MUTEX_INIT,
    .cond = SIM_COND_INIT,
    .epoch = 1,
    .completion_delay_ms = 5,
    .shutdown_grace_ms = 2000,
};

void notes_clear(note_queue *q) {
  while (q->head) {
    note *n = q->head;
    q->head = n->next;
    free(n->data);
    free(n);
    G.queued_notes--;
  }
  q->tail = NULL;
}

void notes_flush(sim_system *s, sim_process *p) {
  note_queue *q = p ? &p->pending : &s->pending;
  while (q->head) {
    note *n = q->head;
    q->head = n->next;
    G.queued_notes--;
    dispatch_schedule(A_NOTE, p ? p->sys : s, p, n->type, n->status, n->data, 0, 1, 0, 0);
    free(n->data);
    free(n);
  }
  q->tail = NULL;
}

static void disks_free(disk *d) {
  while (d) {
    disk *n = d->next;
    free(d->host_path);
    free(d->container_path);
    free(d->cache);
    free(d);
    d = n;
  }
}

void sys_ref(sim_system *s) { s->refs++; }

void sys_unref(sim_system *s) {
  if (--s->refs > 0) return;
  notes_clear(&s->pending);
  disks_free(s->disks);
  free(s->id);
  free(s->name);
  free(s->owner);
  free(s->system_type);
  free(s->container_type);
  free(s);
}

void sys_unlist(sim_system *s) {
  if (!s->listed) return;
  for (sim_system **pp = &G.systems; *pp; pp = &(*pp)->next) {
    if (*pp == s) {
      *pp = s->next;
      break;
    }
  }
  s->next = NULL;
  s->listed = 0;
  G.systems_listed--;
  notes_clear(&s->pending);
  sys_unref(s);
}

sim_system *sys_find(const char *id) {
  for (sim_system *s = G.systems; s; s = s->next)
    if (sim_strieq(s->id, id)) return s;
  return NULL;
}

void proc_ref(sim_process *p) { p->refs++; }

void proc_unref(sim_process *p) {
  if (--p->refs > 0) return;
  notes_clear(&p->pending);
  if (p->os) sim_os_release(p->os);
  sim_system *s = p->sys;
  free(p);
  sys_unref(s);
}

void proc_unlist(sim_process *p) {
  if (!p->listed) return;
  for (sim_process **pp = &p->sys->procs; *pp; pp = &(*pp)->next) {
    if (*pp == p) {
      *pp = p->next;
      break;
    }
  }
  p->next = NULL;
  p->listed = 0;
  proc_unref(p);
}

void reg_unref(sim_reg *r) {
  if (--r->refs > 0) return;
  if (r->proc) proc_unref(r->proc);
  else sys_unref(r->sys);
  free(r);
}

void reg_unlink(sim_reg *r) {
  for (sim_reg **pp = &G.regs; *pp; pp = &(*pp)->next) {
    if (*pp == r) {
      *pp = r->next;
      r->next = NULL;
      return;
    }
  }
}

void sys_signal_processes(sim_system *s, int kill_them) {
  for (sim_process *p = s->procs; p; p = p->next) {
    if (p->exited || !p->os) continue;
    if (kill_them) {
      p->killed_by_sim = 1;
      sim_os_kill(p->os);
    } else {
      sim_os_term(p->os);
      if (s->state == ST_PAUSED) sim_os_suspend(p->os, 0);
    }
  }
}

void sys_maybe_exited(sim_system *s, int64_t delay_ms) {
  if (!s->stopping || s->exit_scheduled || s->live > 0) return;
  s->exit_scheduled = 1;
  dispatch_schedule(A_SYS_EXIT, s, NULL, N_SYSTEM_EXITED, s->exit_status, NULL, delay_ms, s->exit_notify,
                    s->exit_dup, 0);
}
