/*
 * A thin library in front of the simulator for the notify benchmark. It is linked against libvmcompute-sim.so
 * (DT_NEEDED), so dlsym() on this library finds every other export in the simulator, but these two registration
 * exports are found here first: they register a trampoline that takes a CLOCK_MONOTONIC timestamp just before
 * forwarding a ProcessExited notification to the binding's callback. The binding cannot tell the difference (the
 * vmcompute contract is unchanged); the benchmark reads the timestamp with stamp_last_exited_ns().
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <uchar.h>

typedef int32_t HRESULT;
typedef void (*notify_cb)(uint32_t type, void *context, int32_t status, const char16_t *data);
typedef HRESULT (*register_fn)(void *handle, notify_cb cb, void *context, void **callback_handle);

struct forward {
  notify_cb cb;
  void *context;
};

static _Atomic uint64_t last_exited_ns;
static _Atomic uint64_t exited_count;
static _Atomic uint64_t last_returned_ns;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void trampoline(uint32_t type, void *context, int32_t status, const char16_t *data) {
  struct forward *f = context;
  if (type == 0x10000) {
    atomic_store(&last_exited_ns, now_ns());
    atomic_fetch_add(&exited_count, 1);
  }
  f->cb(type, f->context, status, data);
  /* koffi blocks a foreign thread until the JS callback has returned: this is when the binding's listener finished. */
  if (type == 0x10000) atomic_store(&last_returned_ns, now_ns());
}

static HRESULT forward_register(const char *name, void *handle, notify_cb cb, void *context, void **callback_handle) {
  register_fn real = (register_fn)dlsym(RTLD_NEXT, name);
  if (!real) return (HRESULT)0x8007007F; /* ERROR_PROC_NOT_FOUND as an HRESULT */
  /* Why never freed: the record must outlive every in-flight notification, and the benchmark registers a few
     hundred at most; tracking unregistration would mean interposing two more exports for no measurable gain. */
  struct forward *f = malloc(sizeof *f);
  if (!f) return (HRESULT)0x8007000E; /* E_OUTOFMEMORY */
  f->cb = cb;
  f->context = context;
  return real(handle, trampoline, f, callback_handle);
}

HRESULT HcsRegisterProcessCallback(void *process, notify_cb cb, void *context, void **callback_handle) {
  return forward_register("HcsRegisterProcessCallback", process, cb, context, callback_handle);
}

HRESULT HcsRegisterComputeSystemCallback(void *system, notify_cb cb, void *context, void **callback_handle) {
  return forward_register("HcsRegisterComputeSystemCallback", system, cb, context, callback_handle);
}

/* The CLOCK_MONOTONIC time (ns) taken just before the last ProcessExited was forwarded. */
uint64_t stamp_last_exited_ns(void) { return atomic_load(&last_exited_ns); }

/* The CLOCK_MONOTONIC time (ns) at which the last ProcessExited callback returned. */
uint64_t stamp_last_returned_ns(void) { return atomic_load(&last_returned_ns); }

/* How many ProcessExited notifications were forwarded. */
uint64_t stamp_exited_count(void) { return atomic_load(&exited_count); }
