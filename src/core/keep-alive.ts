/**
 * Keeps Node's event loop alive while anything waits for an HCS notification.
 *
 * Why: koffi relays callbacks from HCS's threads through an unref'd threadsafe function, so a pending notification
 * does not keep Node alive (reference koffi-and-toolchain.md C.5); without a ref'd handle, `await container.wait()`
 * as the last thing in a script would let Node exit before the exit notification arrives. One interval timer is
 * held while the count is above zero and cleared when it drops back to zero.
 */
export class KeepAlive {
  #count = 0;
  #timer: NodeJS.Timeout | undefined;

  /** How many holders are active (exposed for tests). */
  get count(): number {
    return this.#count;
  }

  /** Whether the ref'd timer currently exists (exposed for tests). */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /** Takes one hold; the returned function releases it and is safe to call more than once. */
  acquire(): () => void {
    this.#count += 1;
    // 2^31-1 ms is the longest interval Node accepts; the callback never does anything.
    if (this.#timer === undefined) this.#timer = setInterval(() => {}, 0x7fffffff);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#count -= 1;
      if (this.#count === 0 && this.#timer !== undefined) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }
}

/** The process-wide keep-alive shared by every handle. */
export const keepAlive = new KeepAlive();
