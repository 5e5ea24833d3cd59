/*
 * The floor of the notify benchmark: a bare koffi registered callback fired from a C thread, the way HCS (and the
 * simulator) deliver notifications. One persistent thread waits for floor_fire(), takes a CLOCK_MONOTONIC timestamp
 * just before calling the callback and calls it with an HCS-shaped argument list (type, context, status, UTF-16 data).
 * Node's process.hrtime.bigint() reads the same clock on Linux (libuv's uv_hrtime), so JS can subtract the two.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <uchar.h>

typedef void (*notify_cb)(uint32_t type, void *context, int32_t status, const char16_t *data);

#define QUEUE_SLOTS 4096

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t worker;
static int started;
/* A ring of pending calls, so concurrent callers (the lifecycle floor) each get their callback. */
static struct {
  notify_cb cb;
  void *ctx;
} queue[QUEUE_SLOTS];
static unsigned head, tail;
static _Atomic uint64_t last_ns;
static _Atomic long delay_us;

/* The same shape of data the simulator sends with ProcessExited (a ProcessStatus document). */
static const char16_t exited_data[] = u"{\"ProcessId\":4242,\"Exited\":true,\"ExitCode\":0,\"LastWaitResult\":0}";

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *run(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (head == tail) pthread_cond_wait(&cv, &mu);
    notify_cb cb = queue[head % QUEUE_SLOTS].cb;
    void *ctx = queue[head % QUEUE_SLOTS].ctx;
    head++;
    pthread_mutex_unlock(&mu);
    long us = atomic_load(&delay_us);
    if (us > 0) {
      struct timespec d = {us / 1000000, (us % 1000000) * 1000};
      nanosleep(&d, NULL);
    }
    atomic_store(&last_ns, now_ns());
    cb(0x10000, ctx, 0, exited_data);
  }
  return NULL;
}

/* Asks the worker thread to call cb once; returns at once (the call happens on the worker thread). -1 when full. */
int floor_fire(notify_cb cb, void *context) {
  pthread_mutex_lock(&mu);
  if (tail - head >= QUEUE_SLOTS) {
    pthread_mutex_unlock(&mu);
    return -1;
  }
  if (!started) {
    if (pthread_create(&worker, NULL, run, NULL) != 0) {
      pthread_mutex_unlock(&mu);
      return -1;
    }
    pthread_detach(worker);
    started = 1;
  }
  queue[tail % QUEUE_SLOTS].cb = cb;
  queue[tail % QUEUE_SLOTS].ctx = context;
  tail++;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
  return 0;
}

/*
 * Makes the worker sleep `us` microseconds before each call, so that the JS thread is idle in its event loop when the
 * callback arrives, as it is when a simulated process exits on its own.
 */
void floor_set_delay_us(long us) { atomic_store(&delay_us, us); }

/* The CLOCK_MONOTONIC time (ns) taken just before the last callback. */
uint64_t floor_last_ns(void) { return atomic_load(&last_ns); }

/* CLOCK_MONOTONIC now, to check that JS and C read the same clock. */
uint64_t floor_now_ns(void) { return now_ns(); }

/* Does nothing: the cost of one koffi .async call, for the lifecycle floor. */
int floor_noop(void) { return 0; }
