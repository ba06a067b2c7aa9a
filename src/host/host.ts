/**
 * The Host: one loaded library instance, as the C-faithful API (api.ts)
 * and the idiomatic layer use it.  It puts the pieces together (the heap,
 * the contexts, marshalling, calls, the fast path, tasks, TypeScript-made
 * handles) and answers the hooks C calls (src/gen/boundary.ts HostHooks).
 *
 * - A call that can block becomes a coroutine of its own inside the library
 *   and returns a Promise of the C result; calls that cannot block run at
 *   once and return the C result.  bsend and brecv on IPC and TCP
 *   connections run in JS when they can (fastio.ts), a brecv that must
 *   wait for its bytes included.
 * - errno is per coroutine: each `go()`-started async function has its own
 *   (AsyncLocalStorage); code outside any has the top-level one.
 */
import { CallDesc, IPADDR_SIZE, STORAGE_SIZES } from '../gen/api';
import type { HostHooks, LibraryExports } from '../gen/boundary';
import type { HVfs, IpAddr, Storage } from '../types';
import { Calls, Fiber } from './calls';
import { Contexts, Ctx } from './context';
import { ChunkOut, FastIo, ShimNet } from './fastio';
import type { FlowControl } from './flow';
import { Heap } from './heap';
import { JsHandles } from './jshandle';
import { Marshaller, bad } from './marshal';
import { CoroutineFn, Tasks } from './tasks';

/** What wasm/host-pre.js hands over. */
export interface Internals {
  fiber: Fiber;
  host: HostHooks;
  net: ShimNet;
  errnoCodes: { [name: string]: number };
  exports: LibraryExports;
  memory: { buffer: ArrayBuffer };
}

export class Host {
  readonly X: LibraryExports;
  readonly errnoCodes: { [name: string]: number };
  /** The interface types (C's dill_bsock_type, dill_msock_type). */
  readonly bsockType: number;
  readonly msockType: number;
  private readonly heap: Heap;
  private readonly contexts: Contexts;
  private readonly marshaller: Marshaller;
  private readonly calls: Calls;
  private readonly fastio: FastIo;
  private readonly tasks: Tasks;
  private readonly jsh: JsHandles;

  constructor(internals: Internals) {
    const X = this.X = internals.exports;
    const errnoCodes = this.errnoCodes = internals.errnoCodes;
    const fiber = internals.fiber;
    const heap = this.heap = new Heap(X, internals.memory);
    const contexts = this.contexts = new Contexts(X);
    const marshaller = this.marshaller = new Marshaller(heap);
    const calls = this.calls = new Calls(X, heap, fiber, errnoCodes, contexts, marshaller);
    const fastio = this.fastio = new FastIo(X, heap, fiber, errnoCodes, internals.net, contexts, calls);
    this.tasks = new Tasks(X, heap, fiber, errnoCodes, contexts, calls, fastio);
    const jsh = this.jsh = new JsHandles(X, heap, errnoCodes, contexts, calls);
    this.bsockType = jsh.bsockType;
    this.msockType = jsh.msockType;
    const hooks = internals.host;
    hooks.onDone = (a) => calls.done(a);
    hooks.onAuth = (a, user, pass) => calls.auth(a, user, pass);
    hooks.onTaskCanceled = (task) => fastio.taskCanceled(task);
    hooks.onJshQuery = (id, which) => jsh.onQuery(id, which);
    hooks.onJshClose = (id) => jsh.onClose(id);
    hooks.onJshStart = (id, kind, op, first, last, deadline) => jsh.onStart(id, kind, op, first, last, deadline);
    hooks.onJshAbandon = (op) => jsh.onAbandon(op);
  }

  /** The calling coroutine's context. */
  ctx(): Ctx {
    return this.contexts.current();
  }

  get errno(): number {
    return this.contexts.current().errno;
  }

  /** A call that cannot block: runs now. */
  callSync(desc: CallDesc, args: unknown[]): number {
    return this.calls.callSync(desc, args);
  }

  /** A call that cannot block and returns a pointer: what it points at (null for NULL). */
  callSyncPtr(desc: CallDesc, args: unknown[]): string | Uint8Array | null {
    return this.calls.callSyncPtr(desc, args);
  }

  /**
   * A call that can block; resolves to the C result (FastIo.route decides
   * how it runs).  Its errno goes to `ctx` (by default the calling
   * coroutine's; the idiomatic layer gives each call its own, in the same
   * task).
   */
  callAsync(desc: CallDesc, args: unknown[], onStart?: (cancel: () => void) => void,
      ctx: Ctx = this.contexts.current()): Promise<number> {
    this.contexts.reentered(desc.name);
    if (ctx.aborted) { ctx.errno = this.errnoCodes.ECANCELED; return Promise.resolve(-1); }
    return this.fastio.route(desc, args, onStart, ctx);
  }

  /**
   * A receive of what has arrived on handle h for the idiomatic layer
   * (`desc`: dillwasm_brecvsome, which it is but for where the bytes go):
   * up to `max` bytes, put in out.chunk; resolves to their count, or -1
   * with the errno in `ctx`.
   */
  recvChunk(desc: CallDesc, h: number, max: number, deadline: number, onStart: (cancel: () => void) => void,
      ctx: Ctx, out: ChunkOut): Promise<number> {
    this.contexts.reentered(desc.name);
    if (ctx.aborted) { ctx.errno = this.errnoCodes.ECANCELED; return Promise.resolve(-1); }
    return this.fastio.recvChunk(desc, h, max, deadline, onStart, ctx, out);
  }

  /**
   * Starts handle h flowing for the idiomatic layer's Duplex (flow.ts):
   * chunks of up to `max` bytes go to onChunk as they come, until it
   * returns false, or the stream ends or fails (onEnd).  Its control, or
   * null where it cannot flow (the caller receives the general way).
   */
  flow(h: number, max: number, ctx: Ctx, onChunk: (chunk: Uint8Array) => boolean, onEnd: () => void): FlowControl | null {
    return this.fastio.flows.start(h, max, ctx, onChunk, onEnd);
  }

  /** bundle_go: runs fn as a coroutine in bundle `bndl`. */
  bundleGo(bndl: number, fn: CoroutineFn, name: string): number {
    return this.tasks.go(bndl, fn, name);
  }

  hmake(vfs: HVfs | null): number {
    return this.jsh.hmake(vfs);
  }

  hquery(h: number, type: unknown): unknown {
    return this.jsh.hquery(h, type);
  }

  /** A fresh zeroed IpAddr. */
  ipaddr(): IpAddr {
    return new Uint8Array(IPADDR_SIZE);
  }

  storage<K extends string>(kind: K): Storage<K> {
    this.contexts.reentered('storage');
    const size = STORAGE_SIZES[kind];
    if (size === undefined) {
      throw new TypeError(`storage: unknown kind '${kind}' (one of ${Object.keys(STORAGE_SIZES).join(', ')})`);
    }
    const X = this.X;
    let ptr = X.malloc(size);
    if (!ptr) throw new RangeError('storage: out of memory in the library heap');
    const s: Storage<K> = {
      kind,
      size,
      get ptr() { return ptr; },
      free() { if (ptr) { X.free(ptr); ptr = 0; } },
    };
    this.marshaller.storages.add(s);
    return s;
  }

  strerror(errnum: number): string {
    if (typeof errnum !== 'number' || !Number.isInteger(errnum)) throw bad('strerror', 'errnum', 'must be an integer');
    const p = this.X.strerror(errnum | 0);
    this.heap.views();
    return this.heap.cString(p);
  }
}
