/*
 * Handle table. Handles are (generation, kind, slot) packed into a pointer-sized value, never raw pointers, so a
 * closed or forged handle is recognised and answered with ERROR_INVALID_HANDLE instead of touching freed memory.
 */
#include <stdlib.h>

#include "sim.h"

typedef struct slot {
  int kind;
  uint32_t gen;
  void *obj;
  sim_handle *hs;
} slot;

static slot *slots;
static size_t nslots; /* slot 0 is never used */
static size_t free_hint = 1;

#define SLOT_BITS 20
#define KIND_SHIFT 20
#define GEN_SHIFT 24

void *handle_new(int kind, void *obj, sim_handle *hs) {
  size_t i;
  for (i = free_hint; i < nslots; i++)
    if (!slots[i].kind) break;
  if (i >= nslots) {
    size_t n = nslots ? nslots * 2 : 64;
    if (n > ((size_t)1 << SLOT_BITS)) abort(); /* a million live handles: a leak in the caller */
    slots = realloc(slots, n * sizeof *slots);
    if (!slots) abort();
    for (size_t j = nslots; j < n; j++) slots[j] = (slot){0, 1, NULL, NULL};
    if (!nslots) i = 1;
    else i = nslots;
    nslots = n;
  }
  slots[i].kind = kind;
  slots[i].obj = obj;
  slots[i].hs = hs;
  free_hint = i + 1;
  uintptr_t v = ((uintptr_t)(slots[i].gen & 0xFFFFFFu) << GEN_SHIFT) | ((uintptr_t)kind << KIND_SHIFT) | i;
  return (void *)v;
}

static slot *lookup_quiet(void *h, int kind) {
  uintptr_t v = (uintptr_t)h;
  size_t i = v & (((uintptr_t)1 << SLOT_BITS) - 1);
  int k = (int)((v >> KIND_SHIFT) & 0xF);
  uint32_t gen = (uint32_t)((v >> GEN_SHIFT) & 0xFFFFFFu);
  if (!v || i == 0 || i >= nslots || k != kind || slots[i].kind != kind || (slots[i].gen & 0xFFFFFFu) != gen)
    return NULL;
  return &slots[i];
}

static slot *lookup(void *h, int kind) {
  slot *s = lookup_quiet(h, kind);
  /* Counted: the real vmcompute.dll may crash on such a handle, so a client's tests should see every one. */
  if (!s) G.invalid_handles++;
  return s;
}

void *handle_get(void *h, int kind) {
  slot *s = lookup(h, kind);
  return s ? s->obj : NULL;
}

sim_handle *handle_state(void *h, int kind) {
  slot *s = lookup_quiet(h, kind);
  return s ? s->hs : NULL;
}

void *handle_free(void *h, int kind, sim_handle **hs) {
  if (hs) *hs = NULL;
  slot *s = lookup(h, kind);
  if (!s) return NULL;
  void *obj = s->obj;
  if (hs) *hs = s->hs;
  s->kind = 0;
  s->obj = NULL;
  s->hs = NULL;
  s->gen++;
  if (!(s->gen & 0xFFFFFFu)) s->gen = 1;
  size_t i = (size_t)(s - slots);
  if (i < free_hint) free_hint = i;
  return obj;
}

void handle_free_all(void (*fn)(int kind, void *obj, sim_handle *hs)) {
  for (size_t i = 1; i < nslots; i++) {
    if (!slots[i].kind) continue;
    int kind = slots[i].kind;
    void *obj = slots[i].obj;
    sim_handle *hs = slots[i].hs;
    slots[i].kind = 0;
    slots[i].obj = NULL;
    slots[i].hs = NULL;
    slots[i].gen++;
    if (!(slots[i].gen & 0xFFFFFFu)) slots[i].gen = 1;
    fn(kind, obj, hs);
  }
  free_hint = 1;
}
