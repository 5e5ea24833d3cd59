/*
 * Platform seam of the simulator: locks, condition variables, threads, clocks, output allocation and host
 * processes. Everything above this header is portable C99; platform-posix.c and platform-win32.c implement it.
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
typedef SRWLOCK sim_mutex;
typedef CONDITION_VARIABLE sim_cond;
typedef HANDLE sim_thread;
#define SIM_MUTEX_INIT SRWLOCK_INIT
#define SIM_COND_INIT CONDITION_VARIABLE_INIT
#define SIM_EXPORT __declspec(dllexport)
#else
#include <pthread.h>
typedef pthread_mutex_t sim_mutex;
typedef pthread_cond_t sim_cond;
typedef pthread_t sim_thread;
#define SIM_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define SIM_COND_INIT PTHREAD_COND_INITIALIZER
#define SIM_EXPORT __attribute__((visibility("default")))
#endif

void sim_mutex_lock(sim_mutex *m);
void sim_mutex_unlock(sim_mutex *m);
/* Waits on c (m held); timeout_ms < 0 waits without limit. Spurious wake-ups are allowed. */
void sim_cond_wait(sim_cond *c, sim_mutex *m, int64_t timeout_ms);
void sim_cond_broadcast(sim_cond *c);

/* Starts a joinable thread; returns 0 on success. */
int sim_thread_start(sim_thread *t, void (*fn)(void *), void *arg);
void sim_thread_join(sim_thread t);
void sim_thread_detach(sim_thread t);

/* Monotonic milliseconds. */
int64_t sim_now_ms(void);
/* Wall clock as 100 ns ticks since 1970-01-01 UTC. */
int64_t sim_wall_100ns(void);
void sim_sleep_ms(int64_t ms);

/* Memory for strings handed to the caller, who frees it with CoTaskMemFree. */
void *sim_out_alloc(size_t bytes);
void sim_out_free(void *p);

/* ---- host processes ---- */

/* What HcsCreateProcess asks for, already parsed (UTF-8). */
typedef struct sim_spawn_req {
  const char *command_line;      /* may be NULL */
  const char *application_name;  /* may be NULL */
  char **args;                   /* CommandArgs, NULL-terminated, or NULL */
  const char *working_directory; /* may be NULL */
  char **env;                    /* "K=V" entries merged over the host environment, NULL-terminated, or NULL */
  int emulate_console;
  int want_stdin, want_stdout, want_stderr;
  unsigned console_height, console_width;
} sim_spawn_req;

typedef struct sim_os_proc sim_os_proc;

/* Caller-owned stdio values as they go into HCS_PROCESS_INFORMATION (0 = none). */
typedef struct sim_stdio {
  uintptr_t in, out, err;
} sim_stdio;

/* Usage figures of one live process; zeros where the OS gives nothing. */
typedef struct sim_proc_usage {
  uint64_t user_100ns, kernel_100ns;
  uint64_t commit_bytes, private_ws_bytes, shared_ws_bytes;
} sim_proc_usage;

/*
 * Starts a process. On success returns 0 and sets *out (owned by the simulator), *pid and *stdio (caller-owned
 * handles). On failure returns a Win32 error code (e.g. 2 = file not found) and writes a short reason (no secrets).
 */
uint32_t sim_os_spawn(const sim_spawn_req *req, sim_os_proc **out, uint32_t *pid, sim_stdio *stdio, char *why,
                      size_t why_len);
/*
 * Arranges for ended(arg) to be called once, from a simulator thread without G.lock, when the process has ended
 * (its id not yet released, so no later kill can hit a reused pid; sim_os_reap then collects the raw status with
 * G.lock held). One thread serves every watched process. Called with G.lock held. Returns nonzero when the
 * platform cannot watch this process: the caller then waits for it on a thread of its own with sim_os_wait.
 */
int sim_os_watch(sim_os_proc *p, void (*ended)(void *), void *arg);
/* Ends the watcher thread if it watches nothing (for leak checkers; it restarts on demand). Without G.lock. */
void sim_os_watch_stop(void);
/* Blocks until the process has ended without releasing its id; called once, by a per-process reaper thread. */
void sim_os_wait(sim_os_proc *p);
int sim_os_reap(sim_os_proc *p);
/* Maps a raw status to the Windows-style exit code reported in ProcessStatus; killed_by_sim marks a terminate. */
uint32_t sim_os_exit_code(int status, int killed_by_sim);
/* Kills the process and everything it started. */
void sim_os_kill(sim_os_proc *p);
/* Polite stop request (shutdown): SIGTERM on POSIX; on Windows the same as kill. */
void sim_os_term(sim_os_proc *p);
/* Console control events, as negative values of the sig argument of sim_os_signal. */
enum { SIM_CTRL_C = -1, SIM_CTRL_BREAK = -2, SIM_CTRL_CLOSE = -3, SIM_CTRL_LOGOFF = -4, SIM_CTRL_SHUTDOWN = -5 };
/* Delivers a console event (negative) or a POSIX signal number (positive); returns 0 or a Win32 error code. */
uint32_t sim_os_signal(sim_os_proc *p, int sig);
void sim_os_suspend(sim_os_proc *p, int suspend);
void sim_os_resize(sim_os_proc *p, unsigned height, unsigned width);
/* Handles the CloseHandle request (which: 0 stdin, 1 stdout, 2 stderr). */
void sim_os_close_stdio(sim_os_proc *p, int which);
/*
 * Fresh caller-owned duplicates of the stdio handles the simulator still holds (0 where none). Returns 0, or a Win32
 * error code (e.g. 4 = too many open files) with every field 0 and nothing left open.
 */
uint32_t sim_os_dup_stdio(sim_os_proc *p, sim_stdio *stdio);
void sim_os_usage(sim_os_proc *p, sim_proc_usage *u);
/* Basename of the executable, for ProcessList. */
const char *sim_os_image_name(sim_os_proc *p);
/* Closes caller-side handles that could not be handed out. */
void sim_os_close_handles(const sim_stdio *stdio);
/* Frees the simulator's side; the process must have been waited for. */
void sim_os_release(sim_os_proc *p);

#endif
