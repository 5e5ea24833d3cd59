/*
 * The stdin relay of POSIX processes. HCS relays a container process's stdio through its own pipes; the simulator
 * does the same for stdin so that (a) the child sees EOF when every caller-side stdin handle is closed, (b)
 * HcsModifyProcess CloseHandle StdIn closes the child's stdin even while the caller still holds its end, and (c)
 * HcsGetProcessInfo can hand out a fresh stdin handle.
 */
#ifndef SIM_PLATFORM_POSIX_RELAY_H
#define SIM_PLATFORM_POSIX_RELAY_H

typedef struct stdin_relay stdin_relay;

/* Starts relaying into child_fd (the write end of the child's stdin pipe; the relay owns it). NULL on failure. */
stdin_relay *relay_start(void);
int relay_attach_child(stdin_relay *r, int child_fd);
/*
 * A new caller-side write end (>= 3, close-on-exec); -1 once the child's stdin is closed (or every source slot is
 * taken); -2 when descriptors ran out (nothing was added then).
 */
int relay_add_source(stdin_relay *r);
/* CloseHandle StdIn: forwards what callers have already written, then closes the child's stdin; later writes fail. */
void relay_close(stdin_relay *r);
/* Stops the relay thread, waits for it and frees everything. */
void relay_free(stdin_relay *r);

#endif
