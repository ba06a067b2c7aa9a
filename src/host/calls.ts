/**
 * Running calls into the library: a call that cannot block runs at once on
 * the caller's stack; a call that can block runs as a coroutine of its own
 * (libdill/host/host.c) and resolves when C says it is done.  Which way a
 * blocking call goes is decided in fastio.ts (FastIo.route).
 */
import type { CallDesc } from '../gen/api';
import { BLOCK_CALL, BLOCK_ERRNO, BLOCK_RESULT, BLOCK_SIZE, LibraryExports } from '../gen/boundary';
import type { Contexts, Ctx } from './context';
import type { Heap } from './heap';
import type { Marshalled, Marshaller } from './marshal';

/** What the coroutine driver (wasm/shim/fiber.js) offers. */
export interface Fiber {
  wake(): void;
  running: boolean;
  now(): number;
}

/** A call running as a coroutine of its own. */
export interface Pending extends Marshalled {
  resolve(result: number): void;
  reject(error: unknown): void;
  /** What the callback threw: the call's Promise rejects with it. */
  error?: { thrown: unknown };
  ctx: Ctx;
  cr: number;
  desc: CallDesc;
}

export class Calls {
  /** The calls running as coroutines, by argument block. */
  private readonly pending = new Map<number, Pending>();
  // Keeps Node alive while calls are pending (ref'd only then): `held`
  // counts them.
  private readonly alive: ReturnType<typeof setInterval> = setInterval(() => {}, 1 << 30);
  private held = 0;
  /** Free argument blocks of calls that can block. */
  private readonly blocks: number[] = [];
  /** Argument blocks of calls that cannot block, one per nesting level. */
  private readonly scratch: number[] = [];
  private depth = 0;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly X: LibraryExports,
    private readonly heap: Heap,
    private readonly fiber: Fiber,
    private readonly errnoCodes: { [name: string]: number },
    private readonly contexts: Contexts,
    private readonly marshaller: Marshaller,
  ) {
    this.alive.unref();
  }

  /** Run whatever became runnable (after a call that may wake coroutines). */
  kick(): void {
    if (!this.fiber.running && this.X.dill__host_ready()) this.fiber.wake();
  }

  /** Runs fn now, or once the library has returned if it is running (C must not be re-entered). */
  safely(fn: () => void): void {
    if (this.fiber.running || this.depth > 0) queueMicrotask(fn);
    else fn();
  }

  /**
   * `d` more (or fewer) calls pending, made with context `ctx`: Node stays
   * alive while there are any, except those whose ctx.keepAlive is unref'd
   * (the same ctx must end what it started).
   */
  hold(d: number, ctx?: Ctx): void {
    const k = ctx?.keepAlive;
    if (k) k.add(d, this.count);
    else this.count(d);
  }

  /** `d` more (or fewer) pending calls that keep Node alive. */
  private readonly count = (d: number): void => {
    this.held += d;
    if (d > 0 && this.held === d) this.alive.ref();
    else if (this.held === 0) this.alive.unref();
  };

  // ---- calls that cannot block -----------------------------------------------------

  /** A call that cannot block: runs now. */
  callSync(desc: CallDesc, args: unknown[]): number {
    return this.runSync(desc, args, null) as number;
  }

  /**
   * A call that cannot block and returns a pointer (ipaddr_str,
   * ipaddr_sockaddr): what it points at, read before the call's memory is
   * freed (null for NULL).
   */
  callSyncPtr(desc: CallDesc, args: unknown[]): string | Uint8Array | null {
    return this.runSync(desc, args, (p) => this.marshaller.pointee(desc, p)) as string | Uint8Array | null;
  }

  /** Runs a call on the caller's stack; its errno goes to `ctx`. */
  runSync(desc: CallDesc, args: unknown[], convert: ((p: number) => unknown) | null, ctx: Ctx = this.contexts.current()): unknown {
    this.contexts.reentered(desc.name);
    // A call can nest in another (the close of a TypeScript-made handle
    // closing the handles it holds): each level has its own block.
    if (this.depth === this.scratch.length) {
      const b = this.X.malloc(BLOCK_SIZE);
      if (!b) { ctx.errno = this.errnoCodes.ENOMEM; return -1; }
      this.scratch.push(b);
    }
    const block = this.scratch[this.depth];
    const m = this.marshaller.marshal(desc, args, block);
    if (!m) { ctx.errno = this.errnoCodes.ENOMEM; return -1; }
    const a = block >> 3;
    this.heap.f64[a + BLOCK_CALL] = desc.index;
    this.heap.f64[a + BLOCK_ERRNO] = ctx.errno;
    this.depth++;
    try {
      this.X.dill__host_sync(block);
    } finally {
      this.depth--;
    }
    this.heap.views();
    const rc = this.heap.f64[a + BLOCK_RESULT];
    ctx.errno = this.heap.f64[a + BLOCK_ERRNO];
    for (const f of m.after) f(rc);
    const result = convert ? convert(rc) : rc;
    this.marshaller.release(m);
    this.kick();
    return result;
  }

  /**
   * A call that can block but will not (FastIo.route found it cannot wait):
   * at once, without a coroutine, as in C, where a call that need not wait
   * returns without switching.
   */
  atOnce(desc: CallDesc, args: unknown[], onStart: ((cancel: () => void) => void) | undefined, ctx: Ctx): Promise<number> {
    const rc = this.runSync(desc, args, null, ctx) as number;
    if (onStart) onStart(() => {});
    return Promise.resolve(rc);
  }

  // ---- calls that can block: a coroutine each ----------------------------------

  /** A call that can block, as a coroutine of its own in ctx's task; resolves to the C result. */
  spawn(desc: CallDesc, args: unknown[], onStart: ((cancel: () => void) => void) | undefined, ctx: Ctx): Promise<number> {
    const block = this.blocks.pop() ?? this.heap.malloc(BLOCK_SIZE);
    if (!block) { ctx.errno = this.errnoCodes.ENOMEM; return Promise.resolve(-1); }
    let m: Marshalled | null;
    try {
      m = this.marshaller.marshal(desc, args, block);
    } catch (e) {
      this.freeBlock(block);
      throw e;
    }
    if (!m) { this.freeBlock(block); ctx.errno = this.errnoCodes.ENOMEM; return Promise.resolve(-1); }
    const a = block >> 3;
    this.heap.f64[a + BLOCK_CALL] = desc.index;
    this.heap.f64[a + BLOCK_ERRNO] = ctx.errno;
    const cr = this.X.dill__host_spawn(block, ctx.task);
    if (!cr) {
      this.heap.views();
      ctx.errno = this.heap.errno;
      this.marshaller.release(m);
      this.freeBlock(block);
      return Promise.resolve(-1);
    }
    return new Promise<number>((resolve, reject) => {
      // A literal: spreading `m` here cost microseconds per call on Node 20.
      const p: Pending = { block: m!.block, bump: 0, end: 0, after: m!.after, frees: m!.frees, callback: m!.callback, resolve, reject, ctx, cr, desc };
      this.pending.set(block, p);
      this.hold(1, ctx);
      if (onStart) onStart(() => { if (this.pending.get(block) === p) { this.X.dill__host_cancel(cr); this.kick(); } });
      if (!this.fiber.running) this.fiber.wake();
    });
  }

  /** A call's argument block back to the pool. */
  private freeBlock(block: number): void {
    if (this.blocks.length < 64) this.blocks.push(block);
    else this.X.free(block);
  }

  /** A call's coroutine finished (the hook onDone, dill__js_host_done). */
  done(block: number): void {
    const p = this.pending.get(block);
    if (!p) return;
    this.pending.delete(block);
    this.hold(-1, p.ctx);
    this.heap.views();
    const a = block >> 3;
    const rc = this.heap.f64[a + BLOCK_RESULT];
    p.ctx.errno = this.heap.f64[a + BLOCK_ERRNO];
    for (const f of p.after) f(rc);
    this.marshaller.release(p);
    this.freeBlock(block);
    if (p.error) p.reject(p.error.thrown);
    else p.resolve(rc);
  }

  /** Cancels every call running for context `ctx`. */
  cancelCallsOf(ctx: Ctx): void {
    for (const p of this.pending.values()) {
      if (p.ctx === ctx) this.X.dill__host_cancel(p.cr);
    }
  }

  // ---- callbacks from C ------------------------------------------------------------

  /** The pending TS call whose coroutine is running (undefined for a coroutine C started). */
  caller(): Pending | undefined {
    const block = this.X.dill__host_current();
    return block ? this.pending.get(block) : undefined;
  }

  /** An exception of a callback: the TS call it runs for rejects with it, else it is uncaught. */
  report(err: unknown, caller: Pending | undefined): void {
    if (caller && this.pending.get(caller.block) === caller) {
      if (!caller.error) caller.error = { thrown: err };
      return;
    }
    queueMicrotask(() => { throw err; });
  }

  /** C calls socks5_proxy_auth's auth_fn (the hook onAuth, from host.c's trampoline): its result. */
  auth(block: number, user: number, pass: number): number {
    const p = this.pending.get(block);
    if (!p || !p.callback || p.error) return 0;
    this.heap.views();
    const str = (ptr: number): string | null => {
      let end = ptr;
      while (this.heap.u8[end]) end++;
      try {
        return this.utf8.decode(this.heap.u8.subarray(ptr, end));
      } catch {
        return null;
      }
    };
    const username = str(user);
    const password = str(pass);
    // Not UTF-8: refused without asking (decoding with replacement
    // characters could make two different names look equal).
    if (username === null || password === null) return 0;
    return this.contexts.callback("socks5_proxy_auth's auth_fn", () => {
      try {
        const r = p.callback!(username, password);
        if (typeof r === 'boolean') return r ? 1 : 0;
        if (typeof r === 'number' && !Number.isNaN(r)) return r !== 0 ? 1 : 0;
        throw new TypeError(`${p.desc.name}: auth_fn must return a boolean or a number, got ${typeof r}`);
      } catch (e) {
        p.error = { thrown: e };
        return 0;
      }
    });
  }
}
