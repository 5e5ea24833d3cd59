#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int failures;
volatile int callback_delay_ms;
int callbacks_running;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static event *events;
static size_t nevents, capevents;
static uintptr_t ctx_counter = 100;

typedef struct wstr {
  HCS_WCHAR *w;
  struct wstr *next;
} wstr;
static wstr *wstrs;

int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) && errno == EINTR) {
  }
}

const HCS_WCHAR *W(const char *s) {
  size_t n = strlen(s);
  HCS_WCHAR *w = calloc(n + 1, sizeof *w);
  for (size_t i = 0; i < n; i++) w[i] = (unsigned char)s[i]; /* test strings are ASCII */
  wstr *e = malloc(sizeof *e);
  e->w = w;
  pthread_mutex_lock(&lock);
  e->next = wstrs;
  wstrs = e;
  pthread_mutex_unlock(&lock);
  return w;
}

static char *narrow(const HCS_WCHAR *w) {
  if (!w) return NULL;
  size_t n = 0;
  while (w[n]) n++;
  char *s = malloc(n + 1);
  for (size_t i = 0; i < n; i++) s[i] = w[i] < 128 ? (char)w[i] : '?';
  s[n] = 0;
  return s;
}

char *take(HCS_WCHAR *w) {
  char *s = narrow(w);
  if (w) CoTaskMemFree(w);
  return s;
}

int take_has(HCS_WCHAR *w, const char *needle) {
  char *s = take(w);
  int r = s && strstr(s, needle) != NULL;
  if (!r) fprintf(stderr, "  (document was: %s; wanted %s)\n", s ? s : "NULL", needle);
  free(s);
  return r;
}

char *ctl(const char *json) {
  HCS_WCHAR *resp = NULL;
  int32_t hr = HcsSimControl(W(json), &resp);
  char *s = take(resp);
  CHECK(hr == 0, "HcsSimControl(%s) -> 0x%08x %s", json, (unsigned)hr, s ? s : "");
  return s;
}

void ctl0(const char *json) { free(ctl(json)); }

long stat_of(const char *field) {
  char *s = ctl("{\"Op\":\"Stats\"}");
  char key[64];
  snprintf(key, sizeof key, "\"%s\":", field);
  char *p = s ? strstr(s, key) : NULL;
  long v = p ? strtol(p + strlen(key), NULL, 10) : -1;
  free(s);
  return v;
}

void expect_clean(const char *where) {
  static const char *const fields[] = {"SystemHandles", "ProcessHandles", "Callbacks", "LiveProcesses",
                                       "ComputeSystems", "PendingNotifications"};
  for (size_t i = 0; i < 6; i++) {
    long v = stat_of(fields[i]);
    for (int t = 0; v != 0 && t < 100; t++) { /* settle: exits and completions are asynchronous */
      sleep_ms(20);
      v = stat_of(fields[i]);
    }
    CHECK(v == 0, "%s: %s = %ld after the test", where, fields[i], v);
  }
}

void record_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data) {
  __sync_fetch_and_add(&callbacks_running, 1);
  if (callback_delay_ms) sleep_ms(callback_delay_ms);
  pthread_mutex_lock(&lock);
  if (nevents == capevents) {
    capevents = capevents ? capevents * 2 : 64;
    events = realloc(events, capevents * sizeof *events);
  }
  events[nevents++] = (event){type, (uintptr_t)context, status, narrow(data), now_ms()};
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  __sync_fetch_and_sub(&callbacks_running, 1);
}

static const event *find(uintptr_t ctx, uint32_t type, int n) {
  int seen = 0;
  for (size_t i = 0; i < nevents; i++)
    if (events[i].ctx == ctx && events[i].type == type && ++seen == n) return &events[i];
  return NULL;
}

const event *wait_event(uintptr_t ctx, uint32_t type, int n, int timeout_ms) {
  int64_t deadline = now_ms() + timeout_ms;
  pthread_mutex_lock(&lock);
  const event *e;
  while (!(e = find(ctx, type, n)) && now_ms() < deadline) {
    pthread_mutex_unlock(&lock);
    sleep_ms(2);
    pthread_mutex_lock(&lock);
  }
  pthread_mutex_unlock(&lock);
  return e;
}

int count_events(uintptr_t ctx, uint32_t type) {
  pthread_mutex_lock(&lock);
  int n = 0;
  for (size_t i = 0; i < nevents; i++) n += events[i].ctx == ctx && events[i].type == type;
  pthread_mutex_unlock(&lock);
  return n;
}

void events_reset(void) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < nevents; i++) free(events[i].data);
  free(events);
  events = NULL;
  nevents = capevents = 0;
  while (wstrs) {
    wstr *e = wstrs;
    wstrs = e->next;
    free(e->w);
    free(e);
  }
  pthread_mutex_unlock(&lock);
}

uintptr_t next_ctx(void) { return __sync_add_and_fetch(&ctx_counter, 1); }

HCS_SYSTEM_H started_system(const char *id, const char *config, uintptr_t *ctx, HCS_CALLBACK_H *cb) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  *ctx = next_ctx();
  CHECK_HR(HcsCreateComputeSystem(W(id), W(config ? config : "{\"SystemType\":\"Container\",\"Name\":\"t\"}"), NULL,
                                  &h, &result),
           PENDING);
  free(take(result));
  CHECK(h != NULL, "no handle from create");
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)*ctx, cb), 0);
  CHECK(wait_event(*ctx, 2, 1, 5000) != NULL, "CreateCompleted");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  const event *e = wait_event(*ctx, 3, 1, 5000);
  CHECK(e && e->status == 0, "StartCompleted");
  return h;
}

void dispose_system(HCS_SYSTEM_H h, HCS_CALLBACK_H cb, uintptr_t ctx) {
  HCS_WCHAR *result = NULL;
  int32_t hr = HcsTerminateComputeSystem(h, W(""), &result);
  free(take(result));
  if (hr == PENDING) CHECK(wait_event(ctx, 1, 1, 5000) != NULL, "SystemExited after terminate");
  if (cb) CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

int read_all(intptr_t fd, char *buf, int cap) {
  int n = 0;
  for (;;) {
    ssize_t r = read((int)fd, buf + n, (size_t)(cap - 1 - n));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break; /* EOF, or EIO from a pty whose child has gone */
    n += (int)r;
    if (n >= cap - 1) break;
  }
  buf[n] = 0;
  return n;
}

void close_fd(void *h) {
  if (h) close((int)(intptr_t)h);
}
