/* Random concurrent calls on shared (and often stale) handles, with real processes and Resets: nothing may crash. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#define SLOTS 8

static void *sys_slots[SLOTS], *proc_slots[SLOTS], *cb_slots[SLOTS];
static int spawned, registered;

static void noop_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  (void)type; (void)context; (void)status; (void)data;
}

static void *pick(void **slots, unsigned *seed) { return __atomic_load_n(&slots[rand_r(seed) % SLOTS], __ATOMIC_SEQ_CST); }
static void put(void **slots, unsigned *seed, void *h) { __atomic_store_n(&slots[rand_r(seed) % SLOTS], h, __ATOMIC_SEQ_CST); }

static void free_out(HCS_WCHAR *a, HCS_WCHAR *b) {
  if (a) CoTaskMemFree(a);
  if (b) CoTaskMemFree(b);
}

static void close_info(HCS_PROCESS_INFORMATION_ *info) {
  close_fd(info->StdInput);
  close_fd(info->StdOutput);
  close_fd(info->StdError);
}

static void *stress_thread(void *arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  char name[32];
  for (int i = 0; i < 400; i++) {
    if (i % 8 == 7) {
      /* keep some systems running so that processes get created */
      HCS_WCHAR *r0 = NULL;
      HcsStartComputeSystem(pick(sys_slots, &seed), W(""), &r0);
      free_out(r0, NULL);
      sleep_ms(1);
    }
    HCS_WCHAR *out = NULL, *result = NULL;
    HCS_PROCESS_INFORMATION_ info;
    memset(&info, 0, sizeof info);
    void *h = NULL;
    int op = rand_r(&seed) % 20;
    if (op >= 16) op = 6; /* process creation is the interesting part: make it common */
    switch (op) {
      case 0:
      case 1:
        snprintf(name, sizeof name, "stress-%u-%d", (unsigned)(uintptr_t)arg, i);
        if (HcsCreateComputeSystem(W(name), W("{}"), NULL, &h, &result) == PENDING) {
          HCS_WCHAR *r0 = NULL;
          HcsStartComputeSystem(h, W(""), &r0);
          free_out(r0, NULL);
          put(sys_slots, &seed, h);
        }
        break;
      case 2: HcsStartComputeSystem(pick(sys_slots, &seed), W(""), &result); break;
      case 3: HcsTerminateComputeSystem(pick(sys_slots, &seed), W(""), &result); break;
      case 4: HcsShutdownComputeSystem(pick(sys_slots, &seed), W(""), &result); break;
      case 5: HcsCloseComputeSystem(pick(sys_slots, &seed)); break;
      case 6:
        if (HcsCreateProcess(pick(sys_slots, &seed), W("{\"CommandLine\":\"sleep 0.02\",\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}"),
                             &info, &h, &result) == 0) {
          put(proc_slots, &seed, h);
          __atomic_add_fetch(&spawned, 1, __ATOMIC_SEQ_CST);
          close_info(&info);
        }
        break;
      case 7: HcsTerminateProcess(pick(proc_slots, &seed), &result); break;
      case 8: HcsCloseProcess(pick(proc_slots, &seed)); break;
      case 9:
        if (HcsGetProcessInfo(pick(proc_slots, &seed), &info, &result) == 0) close_info(&info);
        break;
      case 10: HcsGetProcessProperties(pick(proc_slots, &seed), &out, &result); break;
      case 11:
        if (HcsRegisterComputeSystemCallback(pick(sys_slots, &seed), noop_cb, NULL, &h) == 0) put(cb_slots, &seed, h);
        break;
      case 12:
        if (HcsRegisterProcessCallback(pick(proc_slots, &seed), noop_cb, NULL, &h) == 0) {
          put(cb_slots, &seed, h);
          __atomic_add_fetch(&registered, 1, __ATOMIC_SEQ_CST);
        }
        break;
      case 13:
        h = pick(cb_slots, &seed);
        HcsUnregisterComputeSystemCallback(h);
        HcsUnregisterProcessCallback(h);
        break;
      case 14: HcsGetComputeSystemProperties(pick(sys_slots, &seed), W("{\"PropertyTypes\":[\"Statistics\",\"ProcessList\"]}"), &out, &result); break;
      case 15:
        if (rand_r(&seed) % 40 == 0) {
          HCS_WCHAR *resp = NULL;
          HcsSimControl(W("{\"Op\":\"Reset\"}"), &resp);
          free_out(resp, NULL);
        } else {
          HCS_WCHAR *r0 = NULL;
          HcsPauseComputeSystem(pick(sys_slots, &seed), W(""), &r0);
          free_out(r0, NULL);
          HcsResumeComputeSystem(pick(sys_slots, &seed), W(""), &result);
        }
        break;
    }
    free_out(out, result);
  }
  return NULL;
}

void test_stress(void) {
  ctl0("{\"Op\":\"Config\",\"CompletionDelayMs\":0,\"ShutdownGraceMs\":50}");
  for (int i = 0; i < SLOTS; i++) { /* seed the slots with running systems so that process creation has targets */
    uintptr_t ctx;
    HCS_CALLBACK_H cb;
    char id[32];
    snprintf(id, sizeof id, "stress-seed-%d", i);
    sys_slots[i] = started_system(id, NULL, &ctx, &cb);
    HcsUnregisterComputeSystemCallback(cb);
  }
  spawned = registered = 0;
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, stress_thread, (void *)(uintptr_t)(i + 1));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  CHECK(spawned > 0, "the storm started processes (%d; %d process registrations)", spawned, registered);
  if (getenv("SIM_STRESS_VERBOSE")) printf("storm: %d processes, %d process registrations\n", spawned, registered);
  ctl0("{\"Op\":\"Reset\"}");
  memset(sys_slots, 0, sizeof sys_slots);
  memset(proc_slots, 0, sizeof proc_slots);
  memset(cb_slots, 0, sizeof cb_slots);
  sleep_ms(200);
  char *st = ctl("{\"Op\":\"Stats\"}");
  CHECK(stat_of("PendingNotifications") == 0, "after reset: %s", STR(st));
  free(st);
  CHECK(stat_of("LiveProcesses") == 0 && stat_of("SystemHandles") == 0 && stat_of("Callbacks") == 0,
        "counters back to zero after the storm and a Reset");
}
