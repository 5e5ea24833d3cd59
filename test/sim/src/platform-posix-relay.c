/* POSIX stdin relay: one thread per process copies every caller-side pipe into the child's stdin pipe. */
#define _GNU_SOURCE
#include "platform-posix-relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform.h"
#include "text.h"

#define MAX_SOURCES 32

struct stdin_relay {
  pthread_mutex_t lock;
  int child;                 /* write end of the child's stdin; -1 once closed */
  int sources[MAX_SOURCES];  /* read ends of the caller-side pipes */
  int nsources;
  int wake[2];
  int stop, closed, started;
  int closing; /* CloseHandle StdIn: forward what the callers already wrote, then close the child's stdin */
  sim_thread thread;
};

static void set_nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

static void wake(stdin_relay *r) {
  char c = 1;
  ssize_t w = write(r->wake[1], &c, 1);
  (void)w;
}

/* With r->lock held: the child's stdin is finished (EOF for the child; callers' writes fail from now on). */
static void finish(stdin_relay *r) {
  if (r->child >= 0) close(r->child);
  r->child = -1;
  for (int i = 0; i < r->nsources; i++) close(r->sources[i]);
  r->nsources = 0;
  r->closed = 1;
}

static void relay_main(void *arg) {
  stdin_relay *r = arg;
  char buf[65536];
  size_t len = 0, off = 0;
  struct pollfd pfd[MAX_SOURCES + 2];
  int ids[MAX_SOURCES];
  for (;;) {
    pthread_mutex_lock(&r->lock);
    int closing = r->closing;
    if (r->stop || r->closed || (r->nsources == 0 && len == off)) {
      finish(r);
      pthread_mutex_unlock(&r->lock);
      return;
    }
    int n = 0;
    pfd[n++] = (struct pollfd){r->wake[0], POLLIN, 0};
    /* Always watched: POLLERR on the child's end means the child closed its stdin (or exited). */
    pfd[n++] = (struct pollfd){r->child, (short)(len > off ? POLLOUT : 0), 0};
    int ns = 0;
    if (len == off)
      for (int i = 0; i < r->nsources; i++) {
        ids[ns++] = r->sources[i];
        pfd[n++] = (struct pollfd){r->sources[i], POLLIN, 0};
      }
    int child = r->child;
    pthread_mutex_unlock(&r->lock);
    /* Closing with nothing buffered: no waiting for callers' data, only what is already in their pipes counts. */
    if (poll(pfd, (nfds_t)n, closing && len == off ? 0 : -1) < 0) continue;
    if (pfd[0].revents) {
      char d[64];
      while (read(r->wake[0], d, sizeof d) > 0) {
      }
    }
    if (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
      pthread_mutex_lock(&r->lock);
      finish(r);
      pthread_mutex_unlock(&r->lock);
      return;
    }
    if (len > off && (pfd[1].revents & POLLOUT)) {
      ssize_t w = write(child, buf + off, len - off);
      if (w > 0) off += (size_t)w;
      else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        pthread_mutex_lock(&r->lock);
        finish(r);
        pthread_mutex_unlock(&r->lock);
        return;
      }
      if (off == len) off = len = 0;
    }
    for (int i = 0; i < ns && len == 0; i++) {
      if (!pfd[2 + i].revents && !closing) continue;
      ssize_t got = read(ids[i], buf, sizeof buf);
      if (got > 0) {
        len = (size_t)got;
        off = 0;
      } else if (got == 0 || closing || (errno != EAGAIN && errno != EINTR)) {
        /* Closed by every caller, broken, or (closing) drained: nothing more will be forwarded from it. */
        pthread_mutex_lock(&r->lock); /* this caller-side handle is closed everywhere: drop it */
        for (int k = 0; k < r->nsources; k++)
          if (r->sources[k] == ids[i]) {
            close(ids[i]);
            r->sources[k] = r->sources[--r->nsources];
            break;
          }
        pthread_mutex_unlock(&r->lock);
      }
    }
  }
}

stdin_relay *relay_start(void) {
  stdin_relay *r = sim_xcalloc(1, sizeof *r);
  pthread_mutex_init(&r->lock, NULL);
  r->child = -1;
  if (pipe2(r->wake, O_CLOEXEC | O_NONBLOCK)) {
    free(r);
    return NULL;
  }
  return r;
}

int relay_attach_child(stdin_relay *r, int child_fd) {
  int flags = fcntl(child_fd, F_GETFL);
  set_nonblock(child_fd);
  r->child = child_fd;
  if (sim_thread_start(&r->thread, relay_main, r)) {
    r->child = -1; /* still the caller's to use */
    fcntl(child_fd, F_SETFL, flags);
    return -1;
  }
  r->started = 1;
  return 0;
}

int relay_add_source(stdin_relay *r) {
  int p[2];
  pthread_mutex_lock(&r->lock);
  if (r->closed || r->stop || r->closing || r->nsources >= MAX_SOURCES) {
    pthread_mutex_unlock(&r->lock);
    return -1;
  }
  if (pipe2(p, O_CLOEXEC)) {
    pthread_mutex_unlock(&r->lock);
    return -2;
  }
  int fd = p[1];
  if (fd < 3) {
    fd = fcntl(p[1], F_DUPFD_CLOEXEC, 3);
    close(p[1]);
    if (fd < 0) {
      close(p[0]);
      pthread_mutex_unlock(&r->lock);
      return -2;
    }
  }
  set_nonblock(p[0]);
  r->sources[r->nsources++] = p[0];
  pthread_mutex_unlock(&r->lock);
  wake(r);
  return fd;
}

void relay_close(stdin_relay *r) {
  /* The relay thread closes the descriptors itself: closing them under its poll() could hit reused numbers.
     Why drain first: a caller's write has completed once its bytes are in the caller-side pipe, and a CloseHandle
     that follows must not drop them (the child would see EOF without the data written before it). */
  pthread_mutex_lock(&r->lock);
  r->closing = 1;
  int running = r->started;
  if (!running) finish(r);
  pthread_mutex_unlock(&r->lock);
  wake(r);
}

void relay_free(stdin_relay *r) {
  if (!r) return;
  pthread_mutex_lock(&r->lock);
  r->stop = 1;
  pthread_mutex_unlock(&r->lock);
  wake(r);
  if (r->started) sim_thread_join(r->thread);
  pthread_mutex_lock(&r->lock);
  finish(r);
  pthread_mutex_unlock(&r->lock);
  close(r->wake[0]);
  close(r->wake[1]);
  pthread_mutex_destroy(&r->lock);
  free(r);
}
