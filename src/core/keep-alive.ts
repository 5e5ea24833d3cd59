// Why from node:timers: the one timer lives for the life of the process, so it must be a real one even when the
// first wait happens while a test framework has replaced the global timer functions.
import { setInterval } from 'node:timers';

/**
 * Keeps Node's event loop alive while anything waits for an HCS notification.
 *
 * Why: koffi relays callbacks from HCS's threads through an unref'd threadsafe function, so a pending notification
 * does not keep Node alive (reference koffi-and-toolchain.md C.5); without a ref'd handle, `await container.wait()`
 * as the last thing in a script would let Node exit before the exit notification arrives. One interval timer is
 * ref'd while the count is above zero and unref'd when it drops back to zero.
 *
 * Why one timer, ref'd and unref'd, instead of creating and clearing one: the last release runs on the way to a
 * caller's `wait()` (issue #6 notify), where a cold clearInterval measured ~8-10 us; unref is a flag and a libuv
 * ref count. An unref'd timer never keeps Node alive, and its callback does nothing.
 */
export class KeepAlive {
  #count = 0;
  #timer: NodeJS.Timeout | undefined;

  /** How many holders are active (exposed for tests). */
  get count(): number {
    return this.#count;
  }

  /** Whether the timer currently keeps Node alive (exposed for tests). */
  get active(): boolean {
    return this.#timer?.hasRef() ?? false;
  }

  /** Takes one hold; the returned function releases it and is safe to call more than once. */
  acquire(): () => void {
    this.#count += 1;
    // 2^31-1 ms is the longest interval Node accepts.
    if (this.#timer === undefined) this.#timer = setInterval(() => {}, 0x7fffffff);
    else if (this.#count === 1) this.#timer.ref();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#count -= 1;
      if (this.#count === 0) this.#timer?.unref();
    };
  }
}

/** The process-wide keep-alive shared by every handle. */
export const keepAlive = new KeepAlive();
