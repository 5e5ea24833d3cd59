/**
 * Hands out the integer ids of the pipe primitive's requests: the context of each request's thread-pool wait, by
 * which the one process-wide callback finds the request again.
 *
 * Why never an id still in use: an idle pipe keeps one read pending indefinitely, so a counter that simply wraps
 * would sooner or later give a new request the id of a pending one; its completion would then be lost, or complete
 * the wrong request and free an OVERLAPPED the kernel still owns. Ids run up to `Number.MAX_SAFE_INTEGER` (the
 * context is a `uintptr_t`, read back with `Number(context)`), so wrapping takes centuries in practice, and even then
 * ids still in use are skipped. The range is a constructor parameter so tests can reach the wrap.
 */
export class RequestIds {
  #next: number;

  /**
   * Ids from 1 to `last` (inclusive), starting at `start`.
   * @param last the highest id, at most `Number.MAX_SAFE_INTEGER`
   * @param start the first id handed out, in `[1, last]`
   */
  constructor(
    readonly last: number = Number.MAX_SAFE_INTEGER,
    start = 1,
  ) {
    if (!Number.isSafeInteger(last) || last < 1) throw new RangeError(`last must be a safe integer >= 1, not ${last}`);
    if (!Number.isSafeInteger(start) || start < 1 || start > last) {
      throw new RangeError(`start must be an integer in [1, ${last}], not ${start}`);
    }
    this.#next = start;
  }

  /** The next id for which `inUse` is false; throws only when every id of the range is in use. */
  next(inUse: (id: number) => boolean): number {
    for (let tried = 0; tried < this.last; tried++) {
      const id = this.#next;
      this.#next = id >= this.last ? 1 : id + 1;
      if (!inUse(id)) return id;
    }
    throw new Error(`all ${this.last} pipe request ids are in use`);
  }
}
