/* Test harness of the simulator's C driver: assertions, UTF-16 helpers, a notification recorder. */
#ifndef SIM_HARNESS_H
#define SIM_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "vmcompute-sim.h"

extern int failures;

#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    if (!(cond)) {                                                          \
      failures++;                                                           \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
      fprintf(stderr, __VA_ARGS__);                                         \
      fprintf(stderr, "\n");                                                \
    }                                                                       \
  } while (0)

#define CHECK_HR(expr, want)                                                                               \
  do {                                                                                                     \
    int32_t hr_ = (expr);                                                                                  \
    CHECK(hr_ == (int32_t)(want), "got 0x%08x want 0x%08x", (unsigned)hr_, (unsigned)(uint32_t)(want)); \
  } while (0)

#define STR(x) ((x) ? (x) : "(null)")

#define PENDING ((int32_t)0xC0370103u)
#define INVALID_STATE ((int32_t)0xC0370105u)
#define INVALID_JSON ((int32_t)0xC037010Du)
#define NOT_FOUND_SYS ((int32_t)0xC037010Eu)
#define ALREADY_STOPPED ((int32_t)0xC0370110u)
#define INVALID_HANDLE ((int32_t)0x80070006u)
#define ELEMENT_NOT_FOUND ((int32_t)0x80070490u)
#define RPC_UNAVAILABLE ((int32_t)0x800706BAu)

/* A UTF-16 copy of s that lives until the end of the test run. */
const HCS_WCHAR *W(const char *s);
/* Converts and frees (CoTaskMemFree) an output string; NULL stays NULL. The caller frees the result with free(). */
char *take(HCS_WCHAR *w);
/* Like take() but also frees the copy; returns 1 when the string contained needle. */
int take_has(HCS_WCHAR *w, const char *needle);

/* Sends a control request, expects success, returns the response (free()). */
char *ctl(const char *json);
void ctl0(const char *json);
/* Reads an integer field from the Stats response. */
long stat_of(const char *field);
void expect_clean(const char *where);

typedef struct event {
  uint32_t type;
  uintptr_t ctx;
  int32_t status;
  char *data;
  int64_t at_ms;
} event;

/* The callback every test registers; it records (type, context, status, data copy). */
void record_cb(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data);
/* Waits up to timeout_ms for the n-th (1-based) event of type for ctx; returns it or NULL. */
const event *wait_event(uintptr_t ctx, uint32_t type, int n, int timeout_ms);
int count_events(uintptr_t ctx, uint32_t type);
void events_reset(void);
/* A fresh context number for a registration. */
uintptr_t next_ctx(void);
/* Optional per-callback delay in ms (for in-flight tests) and a counter of callbacks running. */
extern volatile int callback_delay_ms;
extern int callbacks_running;

int64_t now_ms(void);
void sleep_ms(int ms);

/* Creates, registers and starts a system; returns the handle and the context through ctx. */
HCS_SYSTEM_H started_system(const char *id, const char *config, uintptr_t *ctx, HCS_CALLBACK_H *cb);
/* Terminates (if running), unregisters and closes. */
void dispose_system(HCS_SYSTEM_H h, HCS_CALLBACK_H cb, uintptr_t ctx);
/* Reads everything from fd until EOF/EIO (at most cap-1 bytes); returns the byte count. */
int read_all(intptr_t fd, char *buf, int cap);
void close_fd(void *h);

#endif
