/* POSIX implementation of the platform seam (Linux first; macOS where cheap). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif

#include "platform-posix-relay.h"
#include "platform.h"
#include "text.h"

extern char **environ;

void sim_mutex_lock(sim_mutex *m) { pthread_mutex_lock(m); }
void sim_mutex_unlock(sim_mutex *m) { pthread_mutex_unlock(m); }

void sim_cond_wait(sim_cond *c, sim_mutex *m, int64_t timeout_ms) {
  if (timeout_ms < 0) {
    pthread_cond_wait(c, m);
    return;
  }
  struct timespec ts;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
  /* A monotonic deadline, so wall-clock jumps neither shorten nor stretch timed waits. */
  clock_gettime(CLOCK_MONOTONIC, &ts);
  ts.tv_sec += (time_t)(timeout_ms / 1000);
  ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_clockwait(c, m, CLOCK_MONOTONIC, &ts);
#else
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += (time_t)(timeout_ms / 1000);
  ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_timedwait(c, m, &ts);
#endif
}

void sim_cond_broadcast(sim_cond *c) { pthread_cond_broadcast(c); }

typedef struct thread_start {
  void (*fn)(void *);
  void *arg;
} thread_start;

static void *thread_main(void *p) {
  thread_start ts = *(thread_start *)p;
  free(p);
  ts.fn(ts.arg);
  return NULL;
}

int sim_thread_start(sim_thread *t, void (*fn)(void *), void *arg) {
  thread_start *ts = sim_xmalloc(sizeof *ts);
  ts->fn = fn;
  ts->arg = arg;
  /* Host signals (Node's) must never be handled on simulator threads. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(t, NULL, thread_main, ts);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) free(ts);
  return rc;
}

void sim_thread_join(sim_thread t) { pthread_join(t, NULL); }
void sim_thread_detach(sim_thread t) { pthread_detach(t); }

int64_t sim_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sim_wall_100ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100;
}

void sim_sleep_ms(int64_t ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) && errno == EINTR) {
  }
}

void *sim_out_alloc(size_t bytes) { return malloc(bytes ? bytes : 1); }
void sim_out_free(void *p) { free(p); }

/* On Linux the library provides the allocator pair that Windows callers get from ole32. */
__attribute__((visibility("default"))) void *CoTaskMemAlloc(size_t bytes) { return sim_out_alloc(bytes); }
__attribute__((visibility("default"))) void CoTaskMemFree(void *p) { sim_out_free(p); }

struct sim_os_proc {
  pid_t pid; /* also the process group (and session, with a console) */
  int master;   /* pty master, -1 without a console */
  int out_keep; /* simulator's copies of the stdout/stderr read ends, for HcsGetProcessInfo */
  int err_keep;
  int want_in, want_out;
  int reaped;
  int pidfd; /* Linux: watched by the shared watcher thread until the process ends; else -1 */
  void (*ended)(void *);
  void *ended_arg;
  stdin_relay *relay; /* non-console stdin */
  char argv0[256];
  char image[256];
};

/* Moves fd to a descriptor >= 3 (0 means "no handle" to the caller), close-on-exec. */
static int high_fd(int fd) {
  if (fd < 0 || fd >= 3) return fd;
  int n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  close(fd);
  return n;
}

static int dup_high(int fd) { return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 3); }

static void close_if(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static int env_key_len(const char *kv) {
  const char *eq = strchr(kv, '=');
  return eq ? (int)(eq - kv) : (int)strlen(kv);
}

/* The host environment with the requested variables replacing or adding entries (HCS merges over defaults too). */
static char **merged_env(char **extra) {
  size_t n = 0, m = 0;
  while (environ && environ[n]) n++;
  while (extra && extra[m]) m++;
  char **env = sim_xcalloc(n + m + 1, sizeof(char *));
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    int kl = env_key_len(environ[i]), replaced = 0;
    for (size_t j = 0; j < m && !replaced; j++)
      replaced = env_key_len(extra[j]) == kl && !strncmp(extra[j], environ[i], (size_t)kl);
    if (!replaced) env[k++] = environ[i];
  }
  for (size_t j = 0; j < m; j++) env[k++] = extra[j];
  return env;
}

static uint32_t win32_from_errno(int e, int stage) {
  if (stage == 1) return 267; /* ERROR_DIRECTORY: the working directory is invalid */
  switch (e) {
    case ENOENT: case ENOTDIR: return 2; /* ERROR_FILE_NOT_FOUND */
    case EACCES: case EPERM: return 5;   /* ERROR_ACCESS_DENIED */
    case ENOEXEC: return 193;            /* ERROR_BAD_EXE_FORMAT */
    case ENOMEM: return 8;
    case EMFILE: case ENFILE: return 4;
    default: return 31;                  /* ERROR_GEN_FAILURE */
  }
}

/* What the child needs, all prepared by the parent before the child starts. */
typedef struct child_args {
  const sim_spawn_req *req;
  const char *path;
  char **argv, **envp;
  int in_r, out_w, err_w;
  const char *slave; /* pty slave name, or NULL */
  int status_w;      /* exec-failure status pipe (close-on-exec) */
} child_args;

/*
 * Child side, until exec. It shares the parent's memory (clone with CLONE_VM, see start_child): only
 * async-signal-safe system-call wrappers, no malloc, no locks, no writes to memory but its own stack (and errno,
 * which is the suspended parent thread's). All signals are blocked on entry (the parent blocked them), so none of
 * the host's handlers can run here: dispositions go back to the default before the mask is cleared.
 */
static int child_main(void *arg) {
  const child_args *a = arg;
  const sim_spawn_req *req = a->req;
  const char *slave = a->slave;
  sigset_t none;
  sigemptyset(&none);
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < 65; s++) sigaction(s, &dfl, NULL); /* Node ignores SIGPIPE; the child must not inherit that */
  sigprocmask(SIG_SETMASK, &none, NULL);
  int stage = 0;
  if (slave) {
    setsid();
    int fd = open(slave, O_RDWR);
    if (fd < 0) goto fail;
#ifdef TIOCSCTTY
    ioctl(fd, TIOCSCTTY, 0);
#endif
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2) close(fd);
  } else {
    setpgid(0, 0);
    int null_fd = open("/dev/null", O_RDWR);
    /* Out of descriptors: fail (EMFILE) rather than leave the host's own stdio on the child's 0-2. */
    if (null_fd < 0 && (a->in_r < 0 || a->out_w < 0 || a->err_w < 0)) goto fail;
    dup2(a->in_r >= 0 ? a->in_r : null_fd, 0);
    dup2(a->out_w >= 0 ? a->out_w : null_fd, 1);
    dup2(a->err_w >= 0 ? a->err_w : null_fd, 2);
    if (null_fd > 2) close(null_fd);
  }
#ifdef SYS_close_range
  /* Descriptors the host left inheritable (not ours: ours are close-on-exec) must not reach the child. */
  syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */);
#endif
  if (req->working_directory && chdir(req->working_directory)) {
    stage = 1;
    goto fail;
  }
  stage = 2;
  if (strchr(a->path, '/')) execve(a->path, a->argv, a->envp);
  else execvpe(a->path, a->argv, a->envp); /* glibc searches PATH on the stack (as posix_spawnp does): no malloc */
fail:;
  int e = errno;
  unsigned char msg[2] = {(unsigned char)stage, (unsigned char)(e > 255 ? 255 : e)};
  ssize_t w = write(a->status_w, msg, 2);
  (void)w;
  _exit(127);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIM_SANITIZED 1
#endif
#endif

#if defined(__linux__) && !defined(SIM_SANITIZED)
/*
 * Child stacks are kept for reuse: unmapping one costs an inter-processor TLB flush on every CPU that runs one of
 * the host's threads, and a fresh one faults its pages in again. Each has a guard page at its low end.
 */
#define CHILD_STACK_BYTES (256 * 1024)
#define CHILD_STACKS_KEPT 8
static struct {
  pthread_mutex_t lock;
  char *kept[CHILD_STACKS_KEPT];
  int n;
} stacks = {PTHREAD_MUTEX_INITIALIZER, {NULL}, 0};

static char *stack_get(size_t size) {
  if (size == CHILD_STACK_BYTES) {
    pthread_mutex_lock(&stacks.lock);
    char *s = stacks.n ? stacks.kept[--stacks.n] : NULL;
    pthread_mutex_unlock(&stacks.lock);
    if (s) return s;
  }
  char *s = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (s == MAP_FAILED) return NULL;
  mprotect(s, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE); /* an overflow faults instead of writing the host's memory */
  return s;
}

static void stack_put(char *s, size_t size) {
  if (size == CHILD_STACK_BYTES) {
    pthread_mutex_lock(&stacks.lock);
    int kept = stacks.n < CHILD_STACKS_KEPT;
    if (kept) stacks.kept[stacks.n++] = s;
    pthread_mutex_unlock(&stacks.lock);
    if (kept) return;
  }
  munmap(s, size);
}
#endif

/*
 * Starts the child; returns its pid, or -1 with errno. Linux: clone(CLONE_VM | CLONE_VFORK) on a small stack of
 * its own, as glibc's posix_spawn does (posix_spawn itself cannot make a controlling terminal or report which step
 * failed). A fork() would copy the host's page tables and mappings, and glibc's fork handler in the child then
 * touches every thread's descriptor (a copy-on-write fault each), so its cost grows with the host's size and
 * thread count (tens of milliseconds per process in the scale benchmark's Node process, growing with every thread
 * the host has); the child also pays to unmap all of it at exec.
 * This costs the same whatever the host's size. The calling thread is suspended until the child has exec'd or
 * exited. All signals stay blocked in the calling thread meanwhile, so the child starts with them blocked.
 * Sanitizer builds and other systems fork: sanitizer interceptors keep state in memory the child would share.
 */
static pid_t start_child(child_args *a) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid;
#if defined(__linux__) && !defined(SIM_SANITIZED)
  size_t page = (size_t)sysconf(_SC_PAGESIZE), argc = 0;
  while (a->argv[argc]) argc++;
  /* execvpe may copy argv onto the stack (a script without #!) and builds the PATH candidate there. */
  size_t need = 64 * 1024 + (argc + 3) * sizeof(char *) + PATH_MAX + page;
  size_t size = need <= CHILD_STACK_BYTES ? CHILD_STACK_BYTES : (need + page - 1) / page * page;
  char *stack = stack_get(size);
  if (!stack) {
    pid = -1;
  } else {
    pid = clone(child_main, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
    int e = errno;
    stack_put(stack, size); /* the child has exec'd or exited: it no longer runs on this stack */
    errno = e;
  }
#else
  pid = fork();
  if (pid == 0) child_main(a);
#endif
  int e = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = e;
  return pid;
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

uint32_t sim_os_spawn(const sim_spawn_req *req, sim_os_proc **out, uint32_t *pid_out, sim_stdio *stdio, char *why,
                      size_t why_len) {
  char *sh_argv[4] = {"/bin/sh", "-c", NULL, NULL};
  char *app_argv[2] = {NULL, NULL};
  char **argv;
  const char *path;
  /* CommandLine wins when both are given, as on Windows (platform-win32.c) and in legacy HCS, which runs the
     CommandLine (CommandArgs is LCOW-only): both lanes must run the same program for the same configuration. */
  if (req->command_line) {
    sh_argv[2] = (char *)req->command_line;
    argv = sh_argv;
    path = "/bin/sh";
  } else if (req->args) {
    argv = req->args;
    path = req->application_name ? req->application_name : req->args[0];
  } else {
    app_argv[0] = (char *)req->application_name;
    argv = app_argv;
    path = req->application_name;
  }
  int in_p[2] = {-1, -1}, out_p[2] = {-1, -1}, err_p[2] = {-1, -1}, st_p[2] = {-1, -1}, master = -1;
  int con_in = -1, con_out = -1, out_keep = -1, err_keep = -1;
  char slave[128] = "";
  uint32_t werr = 0;
  if (pipe2(st_p, O_CLOEXEC)) goto no_fds;
  if (req->emulate_console) {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 && (errno == EMFILE || errno == ENFILE)) goto no_fds;
    if (master < 0 || grantpt(master) || unlockpt(master) || ptsname_r(master, slave, sizeof slave)) {
      werr = 31;
      snprintf(why, why_len, "could not create a pseudo-terminal");
      goto fail;
    }
    if ((master = high_fd(master)) < 0) goto no_fds;
    struct winsize ws = {(unsigned short)(req->console_height ? req->console_height : 25),
                         (unsigned short)(req->console_width ? req->console_width : 80), 0, 0};
    ioctl(master, TIOCSWINSZ, &ws);
  } else {
    if ((req->want_stdin && pipe2(in_p, O_CLOEXEC)) || (req->want_stdout && pipe2(out_p, O_CLOEXEC)) ||
        (req->want_stderr && pipe2(err_p, O_CLOEXEC))) {
      werr = 4;
      snprintf(why, why_len, "could not create pipes");
      goto fail;
    }
#ifdef F_SETPIPE_SZ
    /* Output pipes get 256 KiB instead of Linux's 64 KiB: about what the socketpair libuv gives child_process
       buffers (net.core.wmem_default, 208 KiB), so a producer here is not throttled harder than one Node spawns.
       Best effort: past the per-user pipe quota the kernel refuses and the pipe keeps its default size. */
    if (out_p[0] >= 0) fcntl(out_p[0], F_SETPIPE_SZ, 256 << 10);
    if (err_p[0] >= 0) fcntl(err_p[0], F_SETPIPE_SZ, 256 << 10);
#endif
  }
  /* Every descriptor handed out or kept is made before the child starts, so running out of descriptors fails the
     call with nothing half done: no -1 handed out as a handle, no started child to kill. */
  if (master >= 0) {
    if ((req->want_stdin && (con_in = dup_high(master)) < 0) || (req->want_stdout && (con_out = dup_high(master)) < 0))
      goto no_fds;
  } else {
    if (in_p[1] >= 0 && (in_p[1] = high_fd(in_p[1])) < 0) goto no_fds;
    if (out_p[0] >= 0 && ((out_p[0] = high_fd(out_p[0])) < 0 || (out_keep = dup_high(out_p[0])) < 0)) goto no_fds;
    if (err_p[0] >= 0 && ((err_p[0] = high_fd(err_p[0])) < 0 || (err_keep = dup_high(err_p[0])) < 0)) goto no_fds;
  }
  stdin_relay *relay = NULL;
  int relay_fd = -1;
  if (in_p[1] >= 0 && (relay = relay_start()) != NULL && (relay_fd = relay_add_source(relay)) < 0) {
    relay_free(relay);
    relay = NULL;
  }
  char **envp = merged_env(req->env);
  child_args ca = {req, path, argv, envp, in_p[0], out_p[1], err_p[1], master >= 0 ? slave : NULL, st_p[1]};
  pid_t pid = start_child(&ca);
  free(envp);
  if (relay && (pid <= 0 || relay_attach_child(relay, in_p[1]) == 0)) {
    if (pid > 0) in_p[1] = -1; /* owned by the relay now */
  } else if (relay) {
    relay_free(relay); /* could not start the thread: hand the pipe out directly */
    relay = NULL;
    if (relay_fd >= 0) close(relay_fd);
    relay_fd = -1;
  }
  if (pid < 0) {
    relay_free(relay);
    if (relay_fd >= 0) close(relay_fd);
    werr = 8;
    snprintf(why, why_len, "fork failed");
    goto fail;
  }
  /* The child has already done it (the parent resumes only after its exec); this is for the fork fallback, where
   * whichever runs first wins the race. After an exec it fails with EACCES, harmlessly. */
  if (master < 0) setpgid(pid, pid);
  close_if(&st_p[1]);
  close_if(&in_p[0]);
  close_if(&out_p[1]);
  close_if(&err_p[1]);
  unsigned char msg[2];
  ssize_t n;
  while ((n = read(st_p[0], msg, 2)) < 0 && errno == EINTR) {
  }
  close_if(&st_p[0]);
  if (n == 2) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    relay_free(relay);
    if (relay_fd >= 0) close(relay_fd);
    werr = win32_from_errno(msg[1], msg[0]);
    snprintf(why, why_len, msg[0] == 1 ? "the working directory could not be entered" : "the program could not be started");
    goto fail;
  }
  sim_os_proc *p = sim_xcalloc(1, sizeof *p);
  p->pid = pid;
#if defined(__linux__) && defined(SYS_pidfd_open)
  /* Close-on-exec. -1 (kernel older than 5.3, no descriptor left): sim_os_watch declines, a thread waits instead. */
  static int no_pidfd; /* ENOSYS seen: do not ask again */
  p->pidfd = __atomic_load_n(&no_pidfd, __ATOMIC_RELAXED) ? -1 : (int)syscall(SYS_pidfd_open, pid, 0);
  if (p->pidfd < 0 && errno == ENOSYS) __atomic_store_n(&no_pidfd, 1, __ATOMIC_RELAXED);
#else
  p->pidfd = -1;
#endif
  p->master = master;
  p->out_keep = -1;
  p->err_keep = -1;
  p->want_in = req->want_stdin;
  p->want_out = req->want_stdout;
  snprintf(p->argv0, sizeof p->argv0, "%.200s", base_name(argv[0] ? argv[0] : path));
  stdio->in = stdio->out = stdio->err = 0;
  if (master >= 0) {
    if (con_in >= 0) stdio->in = (uintptr_t)con_in, con_in = -1;
    if (con_out >= 0) stdio->out = (uintptr_t)con_out, con_out = -1;
  } else {
    p->relay = relay;
    if (relay) stdio->in = (uintptr_t)relay_fd;
    else if (in_p[1] >= 0) stdio->in = (uintptr_t)in_p[1], in_p[1] = -1;
    if (out_p[0] >= 0) stdio->out = (uintptr_t)out_p[0], out_p[0] = -1, p->out_keep = out_keep, out_keep = -1;
    if (err_p[0] >= 0) stdio->err = (uintptr_t)err_p[0], err_p[0] = -1, p->err_keep = err_keep, err_keep = -1;
  }
  *out = p;
  *pid_out = (uint32_t)pid;
  return 0;
no_fds:
  werr = 4; /* ERROR_TOO_MANY_OPEN_FILES */
  snprintf(why, why_len, "too many open files");
fail:
  close_if(&st_p[0]);
  close_if(&st_p[1]);
  close_if(&in_p[0]);
  close_if(&in_p[1]);
  close_if(&out_p[0]);
  close_if(&out_p[1]);
  close_if(&err_p[0]);
  close_if(&err_p[1]);
  close_if(&master);
  close_if(&con_in);
  close_if(&con_out);
  close_if(&out_keep);
  close_if(&err_keep);
  if (!werr) werr = 31;
  return werr;
}

void sim_os_wait(sim_os_proc *p) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  while (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
}

#if defined(__linux__) && defined(SYS_pidfd_open)
/*
 * One watcher thread for every process: an epoll set of pidfds (a pidfd becomes readable when its process has
 * ended, still unreaped). A thread per process would cost a stack and a mapping each, for processes that mostly
 * sit idle. Lock order: the caller's G.lock, then W.lock; the watcher never holds W.lock while calling out.
 */
static struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int epfd, wakefd;
  int started, stopping;
  int watching; /* processes added and not yet handed to their ended() (or still inside it) */
  sim_thread thread;
} W = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, -1, 0, 0, 0, 0};

static void watcher_main(void *unused) {
  (void)unused;
  struct epoll_event ev[64];
  for (;;) {
    int n = epoll_wait(W.epfd, ev, 64, -1);
    if (n < 0 && errno != EINTR) abort(); /* EBADF/EFAULT/EINVAL: a bug, not a condition to spin on */
    for (int i = 0; i < n; i++) {
      sim_os_proc *p = ev[i].data.ptr;
      if (!p) {
        uint64_t v;
        ssize_t r = read(W.wakefd, &v, sizeof v);
        (void)r;
        pthread_mutex_lock(&W.lock);
        int stop = W.stopping;
        pthread_mutex_unlock(&W.lock);
        if (stop) return; /* stopping waits until nothing is watched: no event can be left behind */
        continue;
      }
      /* Taken out of the set before ended() runs, which reaps and may free p. */
      epoll_ctl(W.epfd, EPOLL_CTL_DEL, p->pidfd, NULL);
      close(p->pidfd);
      p->pidfd = -1;
      void (*ended)(void *) = p->ended;
      void *arg = p->ended_arg;
      ended(arg);
      pthread_mutex_lock(&W.lock);
      W.watching--;
      pthread_cond_broadcast(&W.cond);
      pthread_mutex_unlock(&W.lock);
    }
  }
}

/* With W.lock held. */
static int watcher_start(void) {
  W.epfd = epoll_create1(EPOLL_CLOEXEC);
  W.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (W.epfd < 0 || W.wakefd < 0 || epoll_ctl(W.epfd, EPOLL_CTL_ADD, W.wakefd, &ev) ||
      sim_thread_start(&W.thread, watcher_main, NULL)) {
    close_if(&W.epfd);
    close_if(&W.wakefd);
    return -1;
  }
  W.started = 1;
  return 0;
}

int sim_os_watch(sim_os_proc *p, void (*ended)(void *), void *arg) {
  if (p->pidfd < 0) return -1;
  pthread_mutex_lock(&W.lock);
  while (W.stopping) pthread_cond_wait(&W.cond, &W.lock); /* stopping never waits for the caller's G.lock */
  p->ended = ended;
  p->ended_arg = arg;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = p};
  int rc = (W.started || watcher_start() == 0) ? epoll_ctl(W.epfd, EPOLL_CTL_ADD, p->pidfd, &ev) : -1;
  if (rc == 0) W.watching++;
  pthread_mutex_unlock(&W.lock);
  if (rc) close_if(&p->pidfd);
  return rc ? -1 : 0;
}

void sim_os_watch_stop(void) {
  pthread_mutex_lock(&W.lock);
  /* Callbacks still finishing leave within moments; processes still running keep the thread (it is then needed). */
  int64_t deadline = sim_now_ms() + 2000;
  while (W.started && !W.stopping && W.watching > 0 && sim_now_ms() < deadline)
    sim_cond_wait(&W.cond, &W.lock, 50);
  if (!W.started || W.stopping || W.watching > 0) {
    pthread_mutex_unlock(&W.lock);
    return;
  }
  W.stopping = 1;
  uint64_t one = 1;
  ssize_t w = write(W.wakefd, &one, sizeof one);
  (void)w;
  pthread_mutex_unlock(&W.lock);
  sim_thread_join(W.thread);
  pthread_mutex_lock(&W.lock);
  close_if(&W.epfd);
  close_if(&W.wakefd);
  W.started = 0;
  W.stopping = 0;
  pthread_cond_broadcast(&W.cond);
  pthread_mutex_unlock(&W.lock);
}
#else
int sim_os_watch(sim_os_proc *p, void (*ended)(void *), void *arg) {
  (void)p;
  (void)ended;
  (void)arg;
  return -1;
}

void sim_os_watch_stop(void) {}
#endif

int sim_os_reap(sim_os_proc *p) {
  int status = 0;
  pid_t r;
  while ((r = waitpid(p->pid, &status, 0)) < 0 && errno == EINTR) {
  }
  p->reaped = 1;
  return r < 0 ? -1 : status;
}

uint32_t sim_os_exit_code(int status, int killed_by_sim) {
  if (status == -1) return 1; /* reaped by someone else: the code is lost */
  if (WIFEXITED(status)) return (uint32_t)WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    if (killed_by_sim) return 1; /* TerminateProcess(h, 1), as HCS reports a kill */
    if (WTERMSIG(status) == SIGINT) return 0xC000013Au; /* STATUS_CONTROL_C_EXIT */
    return 128u + (uint32_t)WTERMSIG(status);
  }
  return 1;
}

static void signal_group(sim_os_proc *p, int sig) {
  if (p->reaped) return;
  if (kill(-p->pid, sig) < 0) kill(p->pid, sig);
}

void sim_os_kill(sim_os_proc *p) {
  signal_group(p, SIGKILL);
}

void sim_os_term(sim_os_proc *p) { signal_group(p, SIGTERM); }

uint32_t sim_os_signal(sim_os_proc *p, int sig) {
  int s = sig;
  switch (sig) {
    case SIM_CTRL_C: s = SIGINT; break;
    case SIM_CTRL_BREAK: s = SIGQUIT; break;
    case SIM_CTRL_CLOSE: s = SIGHUP; break;
    case SIM_CTRL_LOGOFF:
    case SIM_CTRL_SHUTDOWN: s = SIGTERM; break;
    default: break;
  }
  if (p->reaped) return 1168;
  if (kill(-p->pid, s) < 0 && kill(p->pid, s) < 0) return errno == ESRCH ? 1168 : 87;
  return 0;
}

/* Linux: the process state letter from /proc, or 0. */
static char proc_state(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *rp = strrchr(buf, ')');
  return rp && rp[1] && rp[2] ? rp[2] : 0;
}

void sim_os_suspend(sim_os_proc *p, int suspend) {
  signal_group(p, suspend ? SIGSTOP : SIGCONT);
  /* kill() returns before the target has stopped; PauseCompleted must mean "paused", so wait (briefly) for it. */
  for (int i = 0; suspend && !p->reaped && i < 200; i++) {
    char st = proc_state(p->pid);
    if (!st || st == 'T' || st == 't' || st == 'Z' || st == 'X') break;
    sim_sleep_ms(1);
  }
}

void sim_os_resize(sim_os_proc *p, unsigned height, unsigned width) {
  if (p->master < 0) return;
  struct winsize ws;
  memset(&ws, 0, sizeof ws);
  ioctl(p->master, TIOCGWINSZ, &ws);
  if (height) ws.ws_row = (unsigned short)height;
  if (width) ws.ws_col = (unsigned short)width;
  ioctl(p->master, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the foreground process group */
}

void sim_os_close_stdio(sim_os_proc *p, int which) {
  if (which == 0 && p->relay) {
    relay_close(p->relay);
  } else if (which == 0 && p->master >= 0) {
    /* A console has no separate stdin pipe: end-of-file is the EOF character at the start of a line. */
    const char eof[2] = {'\n', 4};
    ssize_t w = write(p->master, eof + 1, 1);
    (void)w;
  } else if (which == 1) {
    close_if(&p->out_keep);
  } else if (which == 2) {
    close_if(&p->err_keep);
  }
}

uint32_t sim_os_dup_stdio(sim_os_proc *p, sim_stdio *st) {
  st->in = st->out = st->err = 0;
  int in = -1, out = -1, err = -1;
  if (p->master >= 0) {
    if ((p->want_in && (in = dup_high(p->master)) < 0) || (p->want_out && (out = dup_high(p->master)) < 0)) goto fail;
  } else {
    if ((p->out_keep >= 0 && (out = dup_high(p->out_keep)) < 0) || (p->err_keep >= 0 && (err = dup_high(p->err_keep)) < 0))
      goto fail;
    /* Last: a stdin source, once added, is a side effect on the relay; -1 (stdin closed) is no handle, not a failure. */
    if (p->relay && (in = relay_add_source(p->relay)) == -2) goto fail;
  }
  st->in = in >= 0 ? (uintptr_t)in : 0;
  st->out = out >= 0 ? (uintptr_t)out : 0;
  st->err = err >= 0 ? (uintptr_t)err : 0;
  return 0;
fail:
  /* Descriptors ran out: a -1 cast into a handle field would be a bogus handle, a 0 would read as "no pipe". */
  close_if(&in);
  close_if(&out);
  close_if(&err);
  return 4; /* ERROR_TOO_MANY_OPEN_FILES */
}

void sim_os_usage(sim_os_proc *p, sim_proc_usage *u) {
  memset(u, 0, sizeof *u);
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)p->pid);
  FILE *f = fopen(path, "re");
  if (f) {
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    char *rp = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long long ut = 0, stt = 0;
    if (rp && sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stt) == 2) {
      long hz = sysconf(_SC_CLK_TCK);
      if (hz <= 0) hz = 100;
      u->user_100ns = ut * (10000000ULL / (unsigned long long)hz);
      u->kernel_100ns = stt * (10000000ULL / (unsigned long long)hz);
    }
  }
  snprintf(path, sizeof path, "/proc/%d/statm", (int)p->pid);
  f = fopen(path, "re");
  if (f) {
    unsigned long long size = 0, resident = 0, shared = 0;
    if (fscanf(f, "%llu %llu %llu", &size, &resident, &shared) == 3) {
      unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
      u->commit_bytes = size * page;
      u->private_ws_bytes = (resident > shared ? resident - shared : 0) * page;
      u->shared_ws_bytes = shared * page;
    }
    fclose(f);
  }
}

/* Basename of the live process's current argv[0] (it follows exec), else of the argv[0] it was started with. */
const char *sim_os_image_name(sim_os_proc *p) {
  char path[64], cmd[PATH_MAX];
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)p->pid);
  FILE *f = fopen(path, "re");
  if (f) {
    size_t n = fread(cmd, 1, sizeof cmd - 1, f);
    fclose(f);
    cmd[n] = 0; /* argv[0] ends at the first NUL */
    if (n > 0 && cmd[0]) {
      snprintf(p->image, sizeof p->image, "%.200s", base_name(cmd));
      return p->image;
    }
  }
  return p->argv0;
}

void sim_os_close_handles(const sim_stdio *st) {
  if (st->in) close((int)st->in);
  if (st->out) close((int)st->out);
  if (st->err) close((int)st->err);
}

void sim_os_release(sim_os_proc *p) {
  close_if(&p->pidfd);
  relay_free(p->relay);
  close_if(&p->master);
  close_if(&p->out_keep);
  close_if(&p->err_keep);
  free(p);
}
