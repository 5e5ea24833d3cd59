/* Fault injection (HcsSimControl {"Op":"Fault"}) and the prologue every export runs. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

int fault_take(const char *export_name, fault *out) {
  for (fault **pp = &G.faults; *pp; pp = &(*pp)->next) {
    fault *f = *pp;
    if (!sim_strieq(f->export_name, export_name)) continue;
    *out = *f;
    out->next = NULL;
    if (--f->count <= 0) {
      *pp = f->next;
      free(f);
    }
    return 1;
  }
  return 0;
}

void faults_clear(void) {
  while (G.faults) {
    fault *f = G.faults;
    G.faults = f->next;
    free(f);
  }
}

int fault_hang(const fault *f) {
  unsigned epoch = G.epoch, release = G.release_gen;
  int64_t deadline = f->delay_ms > 0 ? sim_now_ms() + f->delay_ms : -1;
  while (G.epoch == epoch && G.release_gen == release) {
    int64_t left = deadline < 0 ? -1 : deadline - sim_now_ms();
    if (deadline >= 0 && left <= 0) break;
    sim_cond_wait(&G.cond, &G.lock, left);
  }
  return G.epoch != epoch;
}

/*
 * A call whose hang a Reset ended belongs to the service that went away: it fails as a call into a vmcompute.exe
 * that has gone does (RPC_S_SERVER_UNAVAILABLE) and does nothing. Why not run it: in the new epoch it would create a
 * system nobody asked for, or find its handle already gone and count as an invalid handle.
 */
static HRESULT_ abandoned(wchar16 **result) {
  return fail_with(result, HR_RPC_UNAVAILABLE, "the compute service was reset while the call was blocked");
}

int prologue(const char *export_name, wchar16 **result, fault *f, HRESULT_ *hr) {
  if (result) *result = NULL;
  memset(f, 0, sizeof *f);
  if (G.disconnected) {
    *hr = fail_with(result, HR_RPC_UNAVAILABLE, "lost communication with the compute service");
    return 1;
  }
  if (!fault_take(export_name, f)) return 0;
  if (f->mode == FM_HANG) {
    if (fault_hang(f)) {
      *hr = abandoned(result);
      return 1;
    }
    if (G.disconnected) {
      *hr = fail_with(result, HR_RPC_UNAVAILABLE, "lost communication with the compute service");
      return 1;
    }
    return 0;
  }
  if (f->mode == FM_FAIL) {
    *hr = fail_with(result, f->hr, "injected failure");
    return 1;
  }
  return 0;
}

int close_prologue(const char *export_name, HRESULT_ *hr) {
  fault f;
  if (!fault_take(export_name, &f)) return 0;
  if (f.mode == FM_HANG && fault_hang(&f)) {
    *hr = abandoned(NULL);
    return 1;
  }
  if (f.mode == FM_FAIL) {
    *hr = f.hr;
    return 1;
  }
  return 0;
}

jv *parse_input(const wchar16 *w, int allow_empty, char *err, size_t errlen) {
  if (!w || !w[0]) {
    if (!allow_empty) {
      if (errlen) strncpy(err, "empty document", errlen - 1), err[errlen - 1] = 0;
      return NULL;
    }
    jv *v = sim_xcalloc(1, sizeof *v);
    v->t = JV_OBJ;
    return v;
  }
  int bad = 0;
  char *s = utf16_to_utf8(w, &bad);
  jv *v = NULL;
  if (bad) {
    if (errlen) strncpy(err, "unpaired UTF-16 surrogate", errlen - 1), err[errlen - 1] = 0;
  } else {
    v = json_parse(s, err, errlen);
  }
  free(s);
  if (v && v->t != JV_OBJ) {
    if (errlen) strncpy(err, "the document is not a JSON object", errlen - 1), err[errlen - 1] = 0;
    json_free(v);
    v = NULL;
  }
  return v;
}

int read_hresult(const jv *v, int32_t *out) {
  if (!v) return 0;
  if (v->t == JV_NUM && v->is_int && v->i >= INT32_MIN && v->i <= (int64_t)UINT32_MAX) {
    *out = (int32_t)(uint32_t)v->i;
    return 1;
  }
  if (v->t == JV_STR && v->str[0] == '-') {
    char *end = NULL;
    long long x = strtoll(v->str, &end, 10);
    if (end && !*end && end != v->str && x >= INT32_MIN) {
      *out = (int32_t)x;
      return 1;
    }
    return 0;
  }
  if (v->t == JV_STR) {
    char *end = NULL;
    unsigned long long x = strtoull(v->str, &end, 0);
    if (end && !*end && end != v->str && x <= UINT32_MAX) {
      *out = (int32_t)(uint32_t)x;
      return 1;
    }
  }
  return 0;
}
