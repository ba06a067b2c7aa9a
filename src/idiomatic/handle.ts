/**
 * Handle lifetime: {@link Handle}, the object owning a C handle (close is
 * hclose; `using` and `await using` close it; a closed object fails with
 * EBADF without entering the library), and what happens to a handle that a
 * protocol takes over (attach) or gives back (detach).
 */
import { KeepAlive } from '../host/context';
import { DillError } from './errors';
import type { CallOptions } from './calls';
import type { Dill } from './dill';

// Node 20 defines Symbol.dispose and Symbol.asyncDispose (as the registered
// symbols below), but only in its main realm: in a vm context (jest's test
// environment, say) they are missing. Define the same symbols there.
for (const [name, key] of [['dispose', 'nodejs.dispose'], ['asyncDispose', 'nodejs.asyncDispose']] as const) {
  if (typeof (Symbol as unknown as Record<string, unknown>)[name] !== 'symbol') {
    Object.defineProperty(Symbol, name, { value: Symbol.for(key) });
  }
}

/**
 * A library handle, owned by this object. `close()` (C's hclose) releases
 * it; so does leaving the scope of `using h = ...` or `await using h = ...`.
 * Once closed the object's methods fail with EBADF without entering the
 * library (the handle number may already name another handle).
 */
export class Handle implements Disposable, AsyncDisposable {
  /** The library this handle belongs to. */
  readonly dill: Dill;
  private h: number;
  /** Cancel functions of this object's pending calls. @internal */
  readonly _inflight = new Set<() => void>();
  /** Whether this object's pending calls keep Node alive (ref/unref). @internal */
  readonly _keepAlive = new KeepAlive();

  /**
   * Takes ownership of handle number `handle` (from the C-faithful API, say).
   * @param dill Its library.
   * @param handle The handle number.
   */
  constructor(dill: Dill, handle: number) {
    if (!Number.isInteger(handle) || handle < 0) throw new RangeError(`not a handle: ${handle}`);
    this.dill = dill;
    this.h = handle;
  }

  /** The C handle number (for the C-faithful API); -1 once closed. */
  get handle(): number {
    return this.h;
  }

  /** True once closed through this object. */
  get closed(): boolean {
    return this.h < 0;
  }

  /**
   * Lets this object's pending calls (accept, recv, send, wait... and
   * those started while unref'd) keep the process alive again, as Node's
   * `socket.ref()`: the default. Chainable.
   */
  ref(): this {
    this._keepAlive.set(true);
    return this;
  }

  /**
   * Lets the process exit while this object's calls are pending, as
   * Node's `socket.unref()` / `server.unref()`: its pending calls (those
   * pending now and those made later, until {@link Handle.ref}) no longer
   * keep it alive; they still complete normally if the process stays alive
   * for something else. Only the calls made through this object: a
   * coroutine's own calls, or those a socket written in TypeScript makes on
   * the sockets under it, count as their objects say. Chainable.
   */
  unref(): this {
    this._keepAlive.set(false);
    return this;
  }

  /** Whether this object's pending calls keep the process alive (false after unref()). */
  hasRef(): boolean {
    return this._keepAlive.refed;
  }

  /**
   * C's hquery: for a socket written in TypeScript, what its `query`
   * answers for `type` (a type of your own); for a handle made in C, the
   * address of its C interface `type` (`dill.api.bsock_type`...).
   * @throws DillError ENOTSUP (no such interface), EBADF.
   */
  query(type: unknown): unknown {
    if (this.h < 0) throw this.dill.error('hquery', this.dill.api.EBADF);
    const r = this.dill.api.hquery(this.h, type);
    if (r === null) throw this.dill.error('hquery');
    return r;
  }

  /**
   * Closes the handle (C's hclose), at once: this object's pending calls
   * are canceled first (they fail with ECANCELED). For a coroutine or
   * bundle this cancels its coroutines. Closing again does nothing.
   * @throws DillError if hclose fails (EBADF: the handle was closed
   *   behind this object's back).
   */
  close(): void {
    const h = this.relinquish();
    if (h < 0) return;
    if (this.dill.api.hclose(h) < 0) throw this.dill.error('hclose');
  }

  /**
   * Marks the object closed and cancels its pending calls; returns the
   * handle number (-1 if it was closed already).
   * @internal
   */
  protected relinquish(): number {
    const h = this.h;
    if (h < 0) return -1;
    this.h = -1;
    // A canceled call finishes at once (cancelling runs the scheduler), so
    // none is still inside the handle when it closes: hclose of a socket
    // with a coroutine blocked in it would free what that coroutine then
    // writes to. (Not so while the whole scheduler is blocked in a system
    // call, e.g. the bind of an ipcListen in progress.)
    for (const cancel of [...this._inflight]) cancel();
    return h;
  }

  /**
   * C took the handle over (a protocol was attached on it: hown): marks the
   * object closed without closing or canceling anything; returns the
   * number.
   * @internal
   */
  _disown(): number {
    const h = this.h;
    this.h = -1;
    return h;
  }

  /**
   * C gave the handle back untouched (an attach that failed before taking
   * it over).
   * @internal
   */
  _reown(h: number): void {
    this.h = h;
  }

  /**
   * Runs a protocol's terminal call (`*_detach`, an orderly close) on the
   * handle: the object is closed first (its pending calls canceled), and C
   * closes the handle even if the call fails. Resolves to the call's result
   * (the underlying socket's handle for a detach).
   * @internal
   */
  protected async terminate(fn: string, rest: unknown[], opts: CallOptions | undefined): Promise<number> {
    this.dill._precheck(fn, opts, this);
    const h = this.relinquish();
    // Owned by this object for ref/unref only: it is closed already, so
    // nothing cancels the call through it.
    const p = this.dill._start(fn, [h, ...rest], opts, this);
    // The call could not start (its coroutine is being canceled): as in C,
    // the handle is closed all the same.
    if (!p.started) this.dill.api.hclose(h);
    return p.outcome();
  }

  /** `using`: {@link Handle.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using`: {@link Handle.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}

/**
 * Runs the C attach `call` on `sock`'s handle: on success C owns the handle
 * (returned: the protocol's); if C failed on a valid handle it has closed
 * it (upstream's attaches close the socket they were given), and so is
 * `sock` now.
 * @internal
 */
export function attachOrClose(sock: { _disown(): number }, call: () => number): number {
  let h: number;
  try {
    h = call();
  } catch (e) {
    if (e instanceof DillError && e.code !== 'EBADF') sock._disown();
    throw e;
  }
  sock._disown();
  return h;
}
