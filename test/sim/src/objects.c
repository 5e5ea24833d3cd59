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

sim_handle *hs_open(sim_system *s, sim_process *p) {
  sim_handle *hs = sim_xcalloc(1, sizeof *hs);
  hs->sys = p ? NULL : s;
  hs->proc = p;
  sim_handle **head = p ? &p->hs_head : &s->hs_head, **tail = p ? &p->hs_tail : &s->hs_tail;
  hs->tprev = *tail;
  if (*tail) (*tail)->tnext = hs;
  else *head = hs;
  *tail = hs;
  hs->gnext = G.handles;
  if (G.handles) G.handles->gprev = hs;
  G.handles = hs;
  return hs;
}

void hs_close(sim_handle *hs) {
  if (!hs) return;
  notes_clear(&hs->pending);
  for (sim_reg *r = hs->proc ? hs->proc->regs : hs->sys->regs; r; r = r->tnext)
    if (r->hs == hs) r->hs = NULL;
  sim_handle **head = hs->proc ? &hs->proc->hs_head : &hs->sys->hs_head;
  sim_handle **tail = hs->proc ? &hs->proc->hs_tail : &hs->sys->hs_tail;
  if (hs->tprev) hs->tprev->tnext = hs->tnext;
  else *head = hs->tnext;
  if (hs->tnext) hs->tnext->tprev = hs->tprev;
  else *tail = hs->tprev;
  if (hs->gprev) hs->gprev->gnext = hs->gnext;
  else G.handles = hs->gnext;
  if (hs->gnext) hs->gnext->gprev = hs->gprev;
  free(hs);
}

static void note_append(note_queue *q, uint32_t type, int32_t status, const char *data) {
  note *nt = sim_xcalloc(1, sizeof *nt);
  nt->type = type;
  nt->status = status;
  nt->data = sim_strdup(data);
  if (q->tail) q->tail->next = nt;
  else q->head = nt;
  q->tail = nt;
  G.queued_notes++;
}

void hs_keep(sim_handle *hs, uint32_t type, int32_t status, const char *data) { note_append(&hs->pending, type, status, data); }

void hs_queue(sim_system *s, sim_process *p, uint32_t type, int32_t status, const char *data, int times) {
  for (sim_handle *hs = p ? p->hs_head : s->hs_head; hs; hs = hs->tnext) {
    if (hs->regs > 0) continue;
    for (int k = 0; k < times; k++) note_append(&hs->pending, type, status, data);
  }
}

void notes_flush(sim_handle *hs, sim_reg *r) {
  note_queue *q = &hs->pending;
  while (q->head) {
    note *n = q->head;
    q->head = n->next;
    G.queued_notes--;
    /* Ahead of whatever is already queued for the target: those are newer, and go to r directly when they run. */
    item *it = dispatch_schedule(A_NOTE, hs->proc ? hs->proc->sys : hs->sys, hs->proc, n->type, n->status, n->data,
                                 DISPATCH_FIRST, 1, 0, 0);
    if (it) {
      it->reg = r;
      r->refs++;
    }
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
  disks_free(s->disks);
  free(s->id);
  free(s->name);
  free(s->owner);
  free(s->system_type);
  free(s->container_type);
  free(s);
}

/* ASCII case-folded FNV-1a, matching sim_strieq. */
static size_t id_hash(const char *id) {
  uint32_t h = 2166136261u;
  for (; *id; id++) {
    unsigned c = (unsigned char)*id;
    if (c >= 'A' && c <= 'Z') c += 32;
    h = (h ^ c) * 16777619u;
  }
  return h;
}

static void index_insert(sim_system *s) {
  size_t b = id_hash(s->id) & (G.sys_buckets - 1);
  s->hnext = G.sys_index[b];
  G.sys_index[b] = s;
}

void sys_list(sim_system *s) {
  if ((size_t)G.systems_listed + 1 > G.sys_buckets) { /* keep chains short: at most one system per bucket on average */
    size_t n = G.sys_buckets ? G.sys_buckets * 2 : 64;
    free(G.sys_index);
    G.sys_index = sim_xcalloc(n, sizeof *G.sys_index);
    G.sys_buckets = n;
    for (sim_system *t = G.systems; t; t = t->next) index_insert(t);
  }
  index_insert(s);
  s->next = NULL;
  s->prev = G.systems_tail;
  if (G.systems_tail) G.systems_tail->next = s;
  else G.systems = s;
  G.systems_tail = s;
  s->listed = 1;
  G.systems_listed++;
}

void sys_unlist(sim_system *s) {
  if (!s->listed) return;
  for (sim_system **pp = &G.sys_index[id_hash(s->id) & (G.sys_buckets - 1)]; *pp; pp = &(*pp)->hnext) {
    if (*pp == s) {
      *pp = s->hnext;
      break;
    }
  }
  s->hnext = NULL;
  if (s->prev) s->prev->next = s->next;
  else G.systems = s->next;
  if (s->next) s->next->prev = s->prev;
  else G.systems_tail = s->prev;
  s->next = s->prev = NULL;
  s->listed = 0;
  G.systems_listed--;
  sys_unref(s);
}

sim_system *sys_find(const char *id) {
  if (!G.sys_buckets) return NULL;
  for (sim_system *s = G.sys_index[id_hash(id) & (G.sys_buckets - 1)]; s; s = s->hnext)
    if (sim_strieq(s->id, id)) return s;
  return NULL;
}

void proc_ref(sim_process *p) { p->refs++; }

void proc_unref(sim_process *p) {
  if (--p->refs > 0) return;
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

void reg_link(sim_reg *r) {
  sim_reg **head = r->proc ? &r->proc->regs : &r->sys->regs;
  sim_reg **tail = r->proc ? &r->proc->regs_tail : &r->sys->regs_tail;
  r->prev = G.regs_tail;
  r->next = NULL;
  if (G.regs_tail) G.regs_tail->next = r;
  else G.regs = r;
  G.regs_tail = r;
  r->tprev = *tail;
  r->tnext = NULL;
  if (*tail) (*tail)->tnext = r;
  else *head = r;
  *tail = r;
  r->linked = 1;
}

void reg_unlink(sim_reg *r) {
  if (!r->linked) return;
  sim_reg **head = r->proc ? &r->proc->regs : &r->sys->regs;
  sim_reg **tail = r->proc ? &r->proc->regs_tail : &r->sys->regs_tail;
  if (r->prev) r->prev->next = r->next;
  else G.regs = r->next;
  if (r->next) r->next->prev = r->prev;
  else G.regs_tail = r->prev;
  if (r->tprev) r->tprev->tnext = r->tnext;
  else *head = r->tnext;
  if (r->tnext) r->tnext->tprev = r->tprev;
  else *tail = r->tprev;
  r->next = r->prev = r->tnext = r->tprev = NULL;
  r->linked = 0;
}

void live_add(sim_process *p) {
  p->prev_live = NULL;
  p->next_live = G.live;
  if (G.live) G.live->prev_live = p;
  G.live = p;
}

void live_remove(sim_process *p) {
  if (p->prev_live) p->prev_live->next_live = p->next_live;
  else if (G.live == p) G.live = p->next_live;
  if (p->next_live) p->next_live->prev_live = p->prev_live;
  p->next_live = p->prev_live = NULL;
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
