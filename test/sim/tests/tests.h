/* The driver's test functions. */
#ifndef SIM_TESTS_H
#define SIM_TESTS_H

void test_lifecycle(void);
void test_enumerate_and_open(void);
void test_validation(void);
void test_properties_and_modify(void);
void test_pause_resume_save(void);
void test_service_and_hns(void);
void test_terminate_on_last_close(void);
void test_process_pipes(void);
void test_process_control(void);
void test_console(void);
void test_stop_with_processes(void);
void test_faults_sync(void);
void test_faults_async(void);
void test_process_exit_faults(void);
void test_notify_and_queue(void);
void test_queue_per_handle(void);
void test_replay_order(void);
void test_unregister_waits(void);
void test_disconnect(void);
void test_config_delay(void);
void test_control_errors(void);
void test_concurrency(void);
void test_reset_collects(void);
void test_unregister_sibling(void);
void test_hang_release(void);
void test_hang_reset(void);
void test_quiesce_schedule(void);
void test_modify_disk_update(void);
void test_command_line_wins(void);
void test_fd_exhaustion(void);
void test_stress(void);

#endif
