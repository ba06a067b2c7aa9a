/**
 * The fast path, in one place: which way a call that can block runs
 * (FastIo.route), and bsend/brecv on IPC and TCP connections done in JS,
 * a brecv that waits in JS for its bytes (parked) included.  The state of
 * a parked receive lives here; the socket's side of it is fdsock.c's
 * (through libdill/host/host.c: dill__host_fast, _park, _unpark, _txfail),
 * the bytes are the socket layer's (wasm/shim/endpoint.js and fastio.js: ShimEndpoint).
 */
import type { CallDesc } from '../gen/api';
import { DIR_RECV, DIR_SEND, LibraryExports } from '../gen/boundary';
import type { Calls, Fiber } from './calls';
import type { Contexts, Ctx } from './context';
import type { Heap } from './heap';
import { Flows } from './flow';

/** What FastIo uses of the socket layer (DillNet, wasm/shim/net.js). */
export interface ShimNet {
  /** The endpoint behind descriptor fd, or null. */
  ep(fd: number): ShimEndpoint | null;
  /** Called when the descriptor of an endpoint with a parked receive is cleaned (before it closes). */
  onClean: ((ep: ShimEndpoint) => void) | null;
}

/** A connected endpoint of the socket layer (DillEndpoint, wasm/shim/endpoint.js and fastio.js). */
export interface ShimEndpoint {
  rxlen: number;
  /**
   * Non-null while a receive waits on it in JS (FastIo sets it; the socket
   * layer reads it: it keeps reading TCP then, and calls onClean).
   */
  parked: object | null;
  /** Receive len bytes into buf now: 1 done, 0 to be waited for, -1 for the general way. */
  fastRecv?(buf: Uint8Array, len: number): number;
  /** Receive up to len (> 0) bytes into buf now: the count, 0 to be waited for, -1 for the general way. */
  fastRecvSome(buf: Uint8Array, len: number): number;
  /**
   * Take up to max (> 0) received bytes now, without a copy where it can:
   * the bytes (the caller's for good), an empty array to be waited for,
   * null for the general way.
   */
  takeSome(max: number): Uint8Array | null;
  /** Send buf[0, len) now: the count sent (fewer: the rest the general way) or -errno. */
  fastSend(buf: Uint8Array, len: number): number;
  /** Consume up to len received bytes. */
  drop(len: number): void;
  onChange(cb: () => void): void;
  offChange(cb: () => void): void;
}

/** A brecv from TypeScript that waits in JS for its bytes (parked), without a coroutine. */
interface Park {
  ep: ShimEndpoint;
  /** The address of its socket's busy flag (dill__host_park). */
  flag: number;
  buf: Uint8Array;
  len: number;
  /**
   * A dillwasm_brecvsome (what has arrived, up to len) rather than a brecv
   * (all len bytes): it completes with the count, and failing consumes
   * nothing and leaves receiving usable.
   */
  some: boolean;
  /**
   * A receive of what has arrived for the idiomatic layer (recvChunk): the
   * bytes are taken from the receive queue (takeSome) and put here; null
   * for the others.
   */
  out: ChunkOut | null;
  ctx: Ctx;
  /** The task it was made in (ctx.task then), 0 for none. */
  task: number;
  /** The call, to make the general way if it has to. */
  desc: CallDesc;
  args: unknown[];
  /** Its deadline (> 0), or -1. */
  deadline: number;
  timer: ReturnType<typeof setTimeout> | null;
  resolve(rc: number): void;
  reject(e: unknown): void;
  /** Its onChange callback. */
  wake(): void;
  /** Cancels the general call it became, if it did. */
  inner: (() => void) | null;
  /**
   * Counts its uses: the object is the socket's for good (FastIo.slots)
   * and serves its receives one after the other; what is deferred checks
   * that it still has the receive it was for.
   */
  gen: number;
  /** Its place in FastIo.parks while it waits, else -1. */
  index: number;
  done: boolean;
}

type OnStart = ((cancel: () => void) => void) | undefined;

/** Where FastIo.recvChunk puts the bytes it received. */
export interface ChunkOut {
  chunk: Uint8Array;
}

/** Calls that may run in JS on IPC and TCP connections: their direction. */
const FAST_DIR: { [name: string]: number } = { bsend: DIR_SEND, brecv: DIR_RECV, dillwasm_brecvsome: DIR_RECV };

/** Calls that may run at once when they cannot block (see nowait): their direction. */
const NOWAIT_DIR: { [name: string]: number } = {
  bsend: DIR_SEND, bsendl: DIR_SEND, brecv: DIR_RECV, brecvl: DIR_RECV, dillwasm_brecvsome: DIR_RECV,
};

/** The receive of what has arrived (up to its length), rather than of all of it. */
const SOME = 'dillwasm_brecvsome';

function noop(): void {}

/**
 * The results of calls that complete at once in JS: one Promise each,
 * made once.  A fresh one per call costs an allocation and, once
 * AsyncLocalStorage is on (go()), a run of Node's promise hooks.
 */
const RESOLVED_0 = Promise.resolve(0);
const RESOLVED_MINUS_1 = Promise.resolve(-1);

const EMPTY = new Uint8Array(0);
const NO_ARGS: unknown[] = [];

/**
 * An executor for `new Promise(stash)` that makes no closure: the resolving
 * functions are taken from `stashed` right after.
 */
const stashed: { resolve: (rc: number) => void; reject: (e: unknown) => void } = { resolve: noop, reject: noop };
function stash(resolve: (rc: number) => void, reject: (e: unknown) => void): void {
  stashed.resolve = resolve;
  stashed.reject = reject;
}

export class FastIo {
  /** Receives waiting in JS. */
  private readonly parks: Park[] = [];
  /** The Park object of each socket, made at its first parked receive. */
  private readonly slots = new WeakMap<ShimEndpoint, Park>();

  constructor(
    private readonly X: LibraryExports,
    private readonly heap: Heap,
    private readonly fiber: Fiber,
    private readonly errnoCodes: { [name: string]: number },
    private readonly net: ShimNet,
    private readonly contexts: Contexts,
    private readonly calls: Calls,
  ) {
    this.flows = new Flows(X, heap, net, calls);
    net.onClean = (ep: ShimEndpoint) => { if (!this.flows.clean(ep)) this.parkClean(ep); };
  }

  /** Sockets whose bytes flow to a callback (flow.ts). */
  readonly flows: Flows;

  /**
   * A call that can block: the one place that decides which way it runs.
   * 1. bsend, brecv or dillwasm_brecvsome on an IPC or TCP connection, in JS (inJs): no
   *    argument block, no copy through the library's memory, no coroutine.
   *    Where it cannot (see inJs), it goes on to 2 or 3.
   * 2. bsend, bsendl, brecv, brecvl or dillwasm_brecvsome that cannot block (nowait): at once,
   *    as a call that cannot block (Calls.atOnce).
   * 3. Anything else: a coroutine of its own (Calls.spawn).
   * `mayRunInJs` false skips 1: for the rest of a send sent in part in JS,
   * and a parked receive that has to go the general way.
   */
  route(desc: CallDesc, args: unknown[], onStart: OnStart, ctx: Ctx, mayRunInJs = true): Promise<number> {
    if (mayRunInJs) {
      const fast = FAST_DIR[desc.name];
      if (fast !== undefined) {
        const r = this.inJs(fast, desc, args, onStart, ctx);
        if (r !== null) return r;
      }
    }
    const dir = NOWAIT_DIR[desc.name];
    if (dir !== undefined && this.nowait(args, dir, ctx, desc.name === SOME)) return this.calls.atOnce(desc, args, onStart, ctx);
    return this.calls.spawn(desc, args, onStart, ctx);
  }

  /**
   * bsend (DIR_SEND) or brecv (DIR_RECV) in JS, or null where it goes the
   * general way: bad arguments, a handle of another kind, or what send and
   * recv below refuse.
   */
  private inJs(dir: number, desc: CallDesc, args: unknown[], onStart: OnStart, ctx: Ctx): Promise<number> | null {
    if (args.length !== 4) return null;
    const h = args[0], buf = args[1], len = args[2], dl = args[3];
    if (typeof h !== 'number' || (h | 0) !== h || !(buf instanceof Uint8Array) || typeof len !== 'number' ||
        !Number.isInteger(len) || len < 0 || len > buf.byteLength || typeof dl !== 'number' ||
        !(Number.isFinite(dl) || dl === Infinity)) return null;
    const fd = this.X.dill__host_fast(h, dir, ctx.task);
    if (fd < 0) return null;
    const ep = this.net.ep(fd);
    if (ep === null || ep.fastRecv === undefined) return null;
    if (dir === DIR_SEND) return this.send(ep, desc, h, buf, len, dl, onStart, ctx);
    const some = desc.name === SOME;
    // (A receive of nothing gives 0 at once, the general way.)
    if (some && len === 0) return null;
    return this.recv(ep, desc, args, h, buf, len, some, dl, onStart, ctx);
  }

  /**
   * A send the socket layer takes whole at once completes here; one it
   * takes in part sends the rest the general way; one that must wait goes
   * the general way (null).
   */
  private send(ep: ShimEndpoint, desc: CallDesc, h: number, buf: Uint8Array, len: number, dl: number,
      onStart: OnStart, ctx: Ctx): Promise<number> | null {
    const k = ep.fastSend(buf, len);
    if (k === 0 && len > 0) return null;
    if (k >= 0 && k < len) {
      // Sent in part: the rest waits for room, the general way.
      return this.route(desc, [h, buf.subarray(k), len - k, dl], onStart, ctx, false);
    }
    if (onStart) onStart(noop);
    if (k === len) return RESOLVED_0;
    // As fdsock.c: sending is unusable after a failed send; a broken
    // connection is ECONNRESET.
    this.X.dill__host_txfail(h);
    const e = this.errnoCodes;
    ctx.errno = -k === e.EPIPE || -k === e.ENOTCONN ? e.ECONNRESET : -k;
    return RESOLVED_MINUS_1;
  }

  /**
   * A receive whose bytes are there completes here (`some`: any bytes,
   * up to len).  One whose bytes are not there yet waits for them here
   * (parked): its socket's receiving is busy (a second receive gets EBUSY,
   * as in C), and its deadline, cancellation and hclose of the socket end
   * it as they end a receive waiting in C.  An error or the end of the
   * stream to report, or a deadline of 0, go the general way (null).
   */
  private recv(ep: ShimEndpoint, desc: CallDesc, args: unknown[], h: number, buf: Uint8Array, len: number,
      some: boolean, dl: number, onStart: OnStart, ctx: Ctx, out: ChunkOut | null = null): Promise<number> | null {
    const r = this.receiveNow(ep, buf, len, some, out);
    if (r > 0) {
      if (onStart) onStart(noop);
      return some ? Promise.resolve(r) : RESOLVED_0;
    }
    const deadline = dl === Infinity || dl < 0 ? -1 : Math.trunc(dl);
    if (r < 0 || deadline === 0) return null;
    const flag = this.X.dill__host_park(h);
    if (flag === 0) return null;
    // One Park per socket, reused (at most one receive waits on a socket).
    let p = this.slots.get(ep);
    if (p === undefined) {
      const q: Park = {
        ep, flag: 0, buf, len: 0, some, out: null, ctx, task: 0, desc, args, deadline: 0, timer: null, resolve: noop, reject: noop,
        wake: () => this.parkWake(q), inner: null, gen: 0, index: -1, done: true,
      };
      this.slots.set(ep, p = q);
    }
    p.gen++;
    p.flag = flag; p.buf = buf; p.len = len; p.some = some; p.out = out; p.ctx = ctx; p.task = ctx.task; p.desc = desc; p.args = args;
    p.deadline = deadline; p.inner = null; p.done = false;
    const promise = new Promise<number>(stash);
    p.resolve = stashed.resolve;
    p.reject = stashed.reject;
    ep.parked = p;
    ep.onChange(p.wake);
    p.index = this.parks.length;
    this.parks.push(p);
    this.calls.hold(1, ctx);
    // (A deadline already past fails it at once: it is in the list by now.)
    if (deadline > 0) this.parkTimer(p, p.gen);
    if (onStart) {
      const q = p, gen = p.gen;
      onStart(() => {
        if (q.gen !== gen) return;
        if (q.inner) q.inner();
        else this.parkFail(q, gen, this.errnoCodes.ECANCELED);
      });
    }
    return promise;
  }

  /**
   * What a receive on `ep` gets now: brecv (fastRecv: 1 or 0), into a
   * buffer (`some`: fastRecvSome), or taken (`out`: takeSome, the bytes go
   * to out.chunk): the count (> 0) if it got its bytes, 0 if it is to wait,
   * -1 for the general way.
   */
  private receiveNow(ep: ShimEndpoint, buf: Uint8Array, len: number, some: boolean, out: ChunkOut | null): number {
    if (out === null) return some ? ep.fastRecvSome(buf, len) : ep.fastRecv!(buf, len);
    const c = ep.takeSome(len);
    if (c === null) return -1;
    if (c.byteLength > 0) out.chunk = c;
    return c.byteLength;
  }

  /**
   * A receive of what has arrived on handle h, for the idiomatic layer: up
   * to `max` (> 0) bytes, put in out.chunk (taken from the socket layer's
   * receive queue without a copy where it can); resolves to their count,
   * or -1 with the errno in ctx, as dillwasm_brecvsome (`desc`), which it
   * is everywhere the fast path does not apply.
   */
  recvChunk(desc: CallDesc, h: number, max: number, dl: number, onStart: OnStart, ctx: Ctx, out: ChunkOut): Promise<number> {
    const args = [h, null, max, dl];
    if ((h | 0) === h && Number.isInteger(max) && max > 0 && (Number.isFinite(dl) || dl === Infinity)) {
      const fd = this.X.dill__host_fast(h, DIR_RECV, ctx.task);
      const ep = fd < 0 ? null : this.net.ep(fd);
      if (ep !== null && ep.fastRecv !== undefined) {
        const r = this.recv(ep, desc, args, h, EMPTY, max, true, dl, onStart, ctx, out);
        if (r !== null) return r;
      }
    }
    return this.chunkGeneral(desc, args, onStart, ctx, out);
  }

  /** recvChunk the general way: dillwasm_brecvsome into a new buffer. */
  private chunkGeneral(desc: CallDesc, args: unknown[], onStart: OnStart, ctx: Ctx, out: ChunkOut): Promise<number> {
    const max = args[2] as number;
    const buf = new Uint8Array(max);
    return this.route(desc, [args[0], buf, max, args[3]], onStart, ctx, false).then((n) => {
      // (A small part of a large buffer is copied out: it would hold it all.)
      if (n > 0) out.chunk = n === max ? buf : n >= max / 2 ? buf.subarray(0, n) : buf.slice(0, n);
      return n;
    });
  }

  /** A parked receive's socket changed: its bytes came, or it goes the general way. */
  private parkWake(p: Park): void {
    if (p.done) return;
    const some = p.some;
    const r = this.receiveNow(p.ep, p.buf, p.len, some, p.out);
    if (r === 0) {
      p.ep.onChange(p.wake);
      return;
    }
    if (r > 0) {
      const resolve = p.resolve;
      this.parkEnd(p);
      this.heap.views();
      this.heap.i32[p.flag >> 2] = 0;
      resolve(some ? r : 0);
      return;
    }
    // The end of the stream, an error: reported by C.
    const gen = p.gen;
    this.calls.safely(() => this.parkConvert(p, gen));
  }

  /** The parked receive `p` (its generation `gen`) becomes a call the general way. */
  private parkConvert(p: Park, gen: number): void {
    if (p.done || p.gen !== gen) return;
    const { flag, ctx, desc, args, resolve, reject, out } = p;
    this.parkEnd(p);
    if (this.X.dill__host_unpark(flag, 0)) {
      ctx.errno = this.errnoCodes.EBADF;
      resolve(-1);
      return;
    }
    // Canceling it now cancels the general call (while p.gen stays gen):
    // route hands its cancel over before it returns.
    const onStart = (cancel: () => void): void => { p.inner = cancel; };
    const call = out !== null ? this.chunkGeneral(desc, args, onStart, ctx, out) : this.route(desc, args, onStart, ctx, false);
    call.then(resolve, reject);
  }

  /**
   * The parked receive `p` (generation `gen`) fails with `errno`
   * (ETIMEDOUT, ECANCELED).  As in C, a brecv consumes the bytes that came
   * meanwhile (a receive waiting in C has them already) and receiving is
   * unusable after; a dillwasm_brecvsome consumes nothing and leaves it
   * usable.
   */
  private parkFail(p: Park, gen: number, errno: number): void {
    this.calls.safely(() => {
      if (p.done || p.gen !== gen) return;
      const { flag, ctx, resolve, len, ep, some } = p;
      this.parkEnd(p);
      if (!some) ep.drop(len);
      ctx.errno = this.X.dill__host_unpark(flag, some ? 0 : 1) ? this.errnoCodes.EBADF : errno;
      resolve(-1);
    });
  }

  /** Arms the timer of parked receive `p` (generation `gen`) for its deadline. */
  private parkTimer(p: Park, gen: number): void {
    if (p.done || p.gen !== gen) return;
    const left = p.deadline - this.fiber.now();
    if (left <= 0) {
      p.timer = null;
      this.parkFail(p, gen, this.errnoCodes.ETIMEDOUT);
      return;
    }
    // The receive's own count (Calls.hold) keeps Node alive, if it should.
    p.timer = setTimeout(() => this.parkTimer(p, gen), left);
    p.timer.unref();
  }

  /** The descriptor of a parked receive's socket is cleaned (hclose, fdclean): the receive fails with EBADF. */
  private parkClean(ep: ShimEndpoint): void {
    const p = this.slots.get(ep);
    if (!p || p.done) return;
    const { flag, ctx, resolve, len, some } = p;
    this.parkEnd(p);
    // A brecv's are consumed now, before the descriptor closes: closing with
    // unread bytes would reset the peer, where a receive waiting in C has
    // them already.  (A dillwasm_brecvsome waiting in C has none.)
    if (!some) ep.drop(len);
    queueMicrotask(() => {
      this.X.dill__host_unpark(flag, 1);
      ctx.errno = this.errnoCodes.EBADF;
      resolve(-1);
    });
  }

  /** A parked receive ends: it no longer waits for anything (its object may be reused). */
  private parkEnd(p: Park): void {
    p.done = true;
    p.ep.parked = null;
    p.ep.offChange(p.wake);
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    // Out of the list: the last one takes its place.
    const last = this.parks.pop()!;
    if (last !== p) {
      this.parks[p.index] = last;
      last.index = p.index;
    }
    p.index = -1;
    p.resolve = noop;
    p.reject = noop;
    p.buf = EMPTY;
    p.args = NO_ARGS;
    p.out = null;
    this.calls.hold(-1, p.ctx);
  }

  /**
   * Task `task`'s async function ended: a receive it left waiting in JS
   * must stay in its bundle (hclose of the bundle cancels it), so it goes
   * the general way, a coroutine in the bundle.
   */
  taskEnded(task: number): void {
    for (const p of this.parks.slice()) if (p.task === task) this.parkConvert(p, p.gen);
  }

  /** Task `task` was canceled (hclose of its bundle): its parked receives fail with ECANCELED. */
  taskCanceled(task: number): void {
    for (const p of this.parks.slice()) if (p.task === task) this.parkFail(p, p.gen, this.errnoCodes.ECANCELED);
  }

  /**
   * Would bsend/brecv-like `args` (dir: DIR_SEND, DIR_RECV; `some`: a
   * dillwasm_brecvsome) complete at once on their socket?
   */
  private nowait(args: unknown[], dir: number, ctx: Ctx, some: boolean): boolean {
    const h = args[0];
    if (typeof h !== 'number' || (h | 0) !== h || h < 0) return false;
    let len: number;
    if (args.length === 4) {
      len = args[2] as number;
      if (typeof len !== 'number' || !(len >= 0)) return false;
      // What has arrived: it completes at once as soon as one byte is there.
      if (some && len > 1) len = 1;
    } else {
      const iol = args[1];
      if (!Array.isArray(iol)) return false;
      len = 0;
      for (const v of iol) {
        if (v instanceof Uint8Array) len += v.byteLength;
        else if (v && typeof v === 'object' && typeof v.len === 'number' && v.len >= 0) len += v.len;
        else return false;
      }
    }
    if (this.contexts.canceled(ctx)) return false;
    return this.X.dill__host_nowait(h, dir, len) !== 0;
  }
}
