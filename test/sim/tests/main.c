/* The simulator's C test driver: runs every test (or those named on the command line); exit code 1 on failure. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tests.h"

static const struct {
  const char *name;
  void (*fn)(void);
} tests[] = {
    {"lifecycle", test_lifecycle},
    {"enumerate", test_enumerate_and_open},
    {"validation", test_validation},
    {"properties", test_properties_and_modify},
    {"modify-update", test_modify_disk_update},
    {"pause", test_pause_resume_save},
    {"service", test_service_and_hns},
    {"last-close", test_terminate_on_last_close},
    {"pipes", test_process_pipes},
    {"process-control", test_process_control},
    {"command-line-wins", test_command_line_wins},
    {"fd-exhaustion", test_fd_exhaustion},
    {"console", test_console},
    {"stop", test_stop_with_processes},
    {"faults-sync", test_faults_sync},
    {"faults-async", test_faults_async},
    {"process-exit-faults", test_process_exit_faults},
    {"notify", test_notify_and_queue},
    {"queue-per-handle", test_queue_per_handle},
    {"replay-order", test_replay_order},
    {"unregister", test_unregister_waits},
    {"disconnect", test_disconnect},
    {"config", test_config_delay},
    {"control-errors", test_control_errors},
    {"concurrency", test_concurrency},
    {"reset", test_reset_collects},
    {"unregister-sibling", test_unregister_sibling},
    {"hang-release", test_hang_release},
    {"hang-reset", test_hang_reset},
    {"quiesce-schedule", test_quiesce_schedule},
    {"stress", test_stress},
};

int main(int argc, char **argv) {
  size_t n = sizeof tests / sizeof tests[0];
  int ran = 0;
  signal(SIGPIPE, SIG_IGN); /* as Node does: a write to a closed pipe must fail with EPIPE, not kill the driver */
  ctl0("{\"Op\":\"Reset\"}");
  for (size_t i = 0; i < n; i++) {
    int wanted = argc < 2;
    for (int a = 1; a < argc; a++) wanted |= !strcmp(argv[a], tests[i].name);
    if (!wanted) continue;
    int before = failures;
    tests[i].fn();
    expect_clean(tests[i].name);
    ctl0("{\"Op\":\"Reset\"}");
    events_reset();
    printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
    fflush(stdout);
    ran++;
  }
  ctl0("{\"Op\":\"Quiesce\"}");
  events_reset();
  if (!ran) {
    fprintf(stderr, "no test matched\n");
    return 2;
  }
  printf("%d test(s), %d failed check(s)\n", ran, failures);
  return failures ? 1 : 0;
}
