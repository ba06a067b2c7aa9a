/**
 * A library call that can block, as the idiomatic layer runs it: the
 * options it takes ({@link CallOptions}: deadline and AbortSignal), the call
 * in progress ({@link Pending}: its result, its cancellation), and helpers
 * for the Promises and iterators made of such calls.
 */
import type { Ctx } from '../host';
import type { Dill } from './dill';
import type { Handle } from './handle';
import { setCause } from './errors';

/** Options of every call that can block. */
export interface CallOptions {
  /**
   * When the call gives up with ETIMEDOUT: an absolute time in ms on the
   * {@link Dill.now} clock (`d.now() + 1000`), as in C. `0` tries once
   * without blocking; `-1`, `Infinity` or leaving it out: no deadline.
   * With `timeout` too, the earlier of the two applies.
   */
  deadline?: number;
  /**
   * When the call gives up with ETIMEDOUT, relative: in ms from when the
   * call starts (Node's convention; `{ timeout: 50 }` is
   * `{ deadline: d.now() + 50 }`). `0` tries once without blocking;
   * `Infinity` or leaving it out: no timeout. Anything else than a number
   * >= 0 (negative, NaN, a string) throws a TypeError at once. With
   * `deadline` too, the earlier of the two applies.
   */
  timeout?: number;
  /**
   * Aborting it cancels the pending call as hclose of its coroutine would,
   * and the call rejects with the signal's reason, as Node's APIs do:
   * `controller.abort()` gives a DOMException `AbortError`,
   * `AbortSignal.timeout(ms)` its `TimeoutError`, `abort(reason)` that
   * reason. The call has the effect a canceled call has in C (a canceled
   * receive leaves the socket unable to receive). A signal that is already
   * aborted rejects the call at once with its reason, without entering the
   * library.
   */
  signal?: AbortSignal;
}

/**
 * A blocking call started in the library.
 * @internal
 */
export class Pending {
  /**
   * The C result, as host.ts resolves it. It rejects only with what a
   * callback of the call threw (socks5_proxy_auth's auth_fn).
   */
  readonly raw: Promise<number>;
  /** False if the call could not even start (spawn failed: errno in ctx). */
  readonly started: boolean;
  private cancelFn: (() => void) | null = null;
  private readonly cleanups: (() => void)[] = [];
  private settled = false;
  /** The signal whose abort canceled the call, if one did. */
  private abortedBy: AbortSignal | null = null;

  constructor(
    private readonly dill: Dill,
    readonly fn: string,
    private readonly ctx: Ctx,
    start: (onStart: (cancel: () => void) => void) => Promise<number>,
    owner: Handle | null,
  ) {
    // Its pending call keeps Node alive as its object says (ref/unref), and
    // the exception that made it fail, if one did, is kept for `cause`.
    if (owner) ctx.keepAlive = owner._keepAlive;
    ctx.cause = null;
    this.raw = start((c) => { this.cancelFn = c; });
    this.started = this.cancelFn !== null;
    if (owner) {
      const set = owner._inflight;
      const cancel = (): void => this.cancel();
      set.add(cancel);
      this.cleanups.push(() => set.delete(cancel));
    }
    const settle = (): void => {
      this.settled = true;
      for (const f of this.cleanups.splice(0)) f();
    };
    this.raw.then(settle, settle);
  }

  /** The call's errno once it completed (choose sets it with a result >= 0 too). */
  get errno(): number {
    return this.ctx.errno;
  }

  /** Cancels the call if it is still pending (it completes with ECANCELED). */
  cancel(): void {
    if (this.cancelFn) this.cancelFn();
  }

  /** Aborting `signal` cancels the call (until it completes). */
  follow(signal: AbortSignal | undefined): void {
    if (!signal || this.settled) return;
    const onAbort = (): void => {
      if (this.settled) return;
      this.abortedBy ??= signal;
      this.cancel();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) onAbort();
  }

  /**
   * The result (>= 0), or throws the call's DillError; a call canceled by
   * a signal's abort (ECANCELED) throws the signal's reason instead.
   */
  async outcome(): Promise<number> {
    const rc = await this.raw;
    return rc < 0 ? this.fail() : rc;
  }

  /**
   * Throws what the call failed with (its raw result was < 0): its
   * DillError, with `cause` if it has one, or the signal's reason if the
   * signal's abort canceled it.
   */
  fail(): never {
    const err = this.dill.error(this.fn, this.ctx.errno);
    if (this.abortedBy && err.code === 'ECANCELED') throw this.abortedBy.reason;
    if (this.ctx.cause) setCause(err, this.ctx.cause.thrown);
    throw err;
  }
}

// performance.timeOrigin is a getter: read once.
const origin = performance.timeOrigin;

/**
 * The clock of deadlines: C's now() (wasm/shim/fiber.js DillFiber.now),
 * the same for every library instance (so no instance is kept for it).
 */
function clock(): number {
  return Math.floor(origin + performance.now());
}

/**
 * Throws a TypeError if `opts.timeout` is given and is not a number >= 0.
 * @internal
 */
export function checkTimeout(opts: { timeout?: number } | undefined): void {
  const t = opts?.timeout;
  if (t === undefined) return;
  if (typeof t !== 'number' || Number.isNaN(t) || t < 0) {
    throw new TypeError(`timeout must be a number of ms >= 0, got ${typeof t === 'number' ? t : typeof t}`);
  }
}

/**
 * The C deadline of `opts`: the earlier of its `deadline` and `timeout` ms
 * from now; -1 (none) if it has neither. Throws a TypeError for an invalid
 * timeout.
 * @internal
 */
export function deadlineOf(opts: CallOptions | undefined): number {
  checkTimeout(opts);
  const d = opts?.deadline;
  const t = opts?.timeout;
  if (t === undefined || t === Infinity) return d === undefined ? -1 : d;
  const fromTimeout = clock() + Math.ceil(t);
  if (d === undefined || d < 0 || d === Infinity) return fromTimeout;
  return Math.min(d, fromTimeout);
}

/** A promise whose rejection does not count as unhandled. @internal */
export function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * The values of `next()`, call after call, for the iterators of the
 * sockets and channels: `next` is first called when the first value is
 * asked for; an error for which `ends(e)` is true (EPIPE, or the object
 * having been closed) ends the iteration, other errors are thrown.
 * @internal
 */
export async function* receiveUntil<T>(next: () => Promise<T>, ends: (e: unknown) => boolean): AsyncGenerator<T, void, undefined> {
  for (;;) {
    let value: T;
    try {
      value = await next();
    } catch (e) {
      if (ends(e)) return;
      throw e;
    }
    yield value;
  }
}
