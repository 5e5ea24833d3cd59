/*
 * The producer for the stdio and event-loop benchmarks: writes `chunks` chunks of `chunkBytes` bytes to stdout,
 * sleeping `intervalMs` between chunks (0 = as fast as the reader takes them), then exits 0. The same binary runs as
 * a simulated container process and under child_process.spawn, so both sides read identical output.
 *
 * usage: stream-producer <chunkBytes> <chunks> [intervalMs]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: stream-producer <chunkBytes> <chunks> [intervalMs]\n");
    return 2;
  }
  size_t chunk = (size_t)strtoull(argv[1], NULL, 10);
  unsigned long long chunks = strtoull(argv[2], NULL, 10);
  long interval_ms = argc > 3 ? atol(argv[3]) : 0;
  if (chunk == 0 || chunk > (64u << 20)) return 2;
  char *buf = malloc(chunk);
  if (!buf) return 3;
  for (size_t i = 0; i < chunk; i++) buf[i] = (char)('a' + i % 26);
  struct timespec pause = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
  for (unsigned long long c = 0; c < chunks; c++) {
    size_t off = 0;
    while (off < chunk) {
      ssize_t n = write(STDOUT_FILENO, buf + off, chunk - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        return 1; /* the reader went away */
      }
      off += (size_t)n;
    }
    if (interval_ms > 0) nanosleep(&pause, NULL);
  }
  free(buf);
  return 0;
}
