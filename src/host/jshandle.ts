/**
 * Handles made in TypeScript (hmake): the object behind each, found by the
 * id libdill/host/jshandle.c keeps, and the operations C forwards to it
 * (bsendl, brecvl, msendl, mrecvl, from TypeScript and from C alike).
 */
import {
  IOLIST_BASE, IOLIST_LEN, IOLIST_NEXT, JSH_BRECVL, JSH_BSENDL, JSH_BSOCK, JSH_MRECVL, JSH_MSENDL, JSH_MSOCK, JSH_OP_ERR, JSH_OP_RC,
  LibraryExports,
} from '../gen/boundary';
import type { BsockVfs, HVfs, ImplIoVec, MsockVfs } from '../types';
import type { Calls, Pending } from './calls';
import type { Contexts, Ctx } from './context';
import type { Heap } from './heap';
import { INT_MAX, INT_MIN, bad } from './marshal';

/** The method of each operation (JSH_BSENDL...) of a TypeScript-made handle. */
const OP_NAMES: { readonly [kind: number]: 'bsendl' | 'brecvl' | 'msendl' | 'mrecvl' } = {
  [JSH_BSENDL]: 'bsendl', [JSH_BRECVL]: 'brecvl', [JSH_MSENDL]: 'msendl', [JSH_MRECVL]: 'mrecvl',
};

/** A handle made by hmake from TypeScript. */
interface JsHandle {
  vfs: HVfs;
  /** The interfaces C was last given by query (C keeps calling them). */
  bsock: BsockVfs | null;
  msock: MsockVfs | null;
}

/** An operation of a TypeScript-made handle that C waits for. */
interface JshOp {
  ctx: Ctx;
  ctrl: AbortController;
  /** The TS call whose coroutine runs it (where exceptions go), if any. */
  caller: Pending | undefined;
  kind: number;
  /** For receives: [C address, buffer] of each non-skipped iolist element. */
  dest: [number, Uint8Array][];
  /** The iolist's length in bytes. */
  total: number;
}

export class JsHandles {
  /** The objects, by id; and the next id. */
  private readonly objects = new Map<number, JsHandle>();
  private next = 1;
  /** Their operations C waits for, by the C address of the operation. */
  private readonly ops = new Map<number, JshOp>();
  /** The interface types (C's dill_bsock_type, dill_msock_type). */
  readonly bsockType: number;
  readonly msockType: number;

  constructor(
    private readonly X: LibraryExports,
    private readonly heap: Heap,
    private readonly errnoCodes: { [name: string]: number },
    private readonly contexts: Contexts,
    private readonly calls: Calls,
  ) {
    this.bsockType = X.dill__host_type(JSH_BSOCK);
    this.msockType = X.dill__host_type(JSH_MSOCK);
  }

  /** hmake: a handle for `vfs`; -1 with errno EINVAL (no query or close), ECANCELED, ENOMEM. */
  hmake(vfs: HVfs | null): number {
    this.contexts.reentered('hmake');
    const ctx = this.contexts.current();
    if (vfs === null) { ctx.errno = this.errnoCodes.EINVAL; return -1; }
    if (typeof vfs !== 'object') throw bad('hmake', 'vfs', 'must be an object { query, close } or null');
    // C's NULL query or close.
    if (typeof vfs.query !== 'function' || typeof vfs.close !== 'function') { ctx.errno = this.errnoCodes.EINVAL; return -1; }
    if (this.contexts.canceled(ctx)) { ctx.errno = this.errnoCodes.ECANCELED; return -1; }
    const id = this.next++;
    this.objects.set(id, { vfs, bsock: null, msock: null });
    const h = this.X.dill__host_hmake(id);
    if (h < 0) {
      this.objects.delete(id);
      this.heap.views();
      ctx.errno = this.heap.errno;
      return -1;
    }
    return h;
  }

  /**
   * hquery: for a handle made by hmake from TypeScript, what its query
   * returns for `type`; for a handle made in C, the address of its
   * interface `type` (a C type: bsockType, msockType). null with errno
   * EBADF or ENOTSUP (or the errno query set).
   */
  hquery(h: number, type: unknown): unknown {
    this.contexts.reentered('hquery');
    if (typeof h !== 'number' || !Number.isInteger(h) || h < INT_MIN || h > INT_MAX) {
      throw bad('hquery', 'h', `must be an integer in the range of a C int, got ${String(h)}`);
    }
    const ctx = this.contexts.current();
    const id = this.X.dill__host_jsh_id(h);
    if (id === -1) { ctx.errno = this.errnoCodes.EBADF; return null; }
    if (id >= 0) {
      const q = this.query(this.objects.get(id)!, type, undefined);
      if (q.value === null) { ctx.errno = q.errno; return null; }
      return q.value;
    }
    // A C handle answers C types only.
    if (typeof type !== 'number' || !Number.isInteger(type)) { ctx.errno = this.errnoCodes.ENOTSUP; return null; }
    const saved = this.heap.errno;
    const p = this.X.dill_hquery(h, type >>> 0);
    this.heap.views();
    if (!p) { ctx.errno = this.heap.errno; return null; }
    this.heap.errno = saved;
    return p;
  }

  /** Calls the query of `e` (no library calls allowed inside): its answer, or null and the errno. */
  private query(e: JsHandle, type: unknown, caller: Pending | undefined): { value: unknown; errno: number } {
    const qctx: Ctx = { errno: 0, task: 0 };
    return this.contexts.callback("a TypeScript handle's query", () => {
      try {
        const value = this.contexts.run(qctx, () => e.vfs.query(type));
        if (value === null || value === undefined) return { value: null, errno: qctx.errno || this.errnoCodes.ENOTSUP };
        return { value, errno: 0 };
      } catch (err) {
        this.calls.report(err, caller);
        return { value: null, errno: this.errnoCodes.ENOTSUP };
      }
    });
  }

  /** jshandle.c (the hook onJshQuery): does object `id` offer interface `which` (JSH_BSOCK, JSH_MSOCK)?  0 or the errno. */
  onQuery(id: number, which: number): number {
    const e = this.objects.get(id);
    if (!e) return this.errnoCodes.ENOTSUP;
    const caller = this.calls.caller();
    const q = this.query(e, which === JSH_BSOCK ? this.bsockType : this.msockType, caller);
    if (q.value === null) return q.errno;
    const v = q.value as { [k: string]: unknown };
    const names = which === JSH_BSOCK ? [OP_NAMES[JSH_BSENDL], OP_NAMES[JSH_BRECVL]] : [OP_NAMES[JSH_MSENDL], OP_NAMES[JSH_MRECVL]];
    if (typeof v !== 'object' || names.some((n) => typeof v[n] !== 'function')) {
      this.calls.report(new TypeError(`hquery: a TypeScript handle's query must return an object with ${names.join(' and ')} for ${which === JSH_BSOCK ? 'bsock_type' : 'msock_type'}`), caller);
      return this.errnoCodes.ENOTSUP;
    }
    if (which === JSH_BSOCK) e.bsock = v as unknown as BsockVfs;
    else e.msock = v as unknown as MsockVfs;
    return 0;
  }

  /** jshandle.c (the hook onJshClose): the handle of object `id` is closed. */
  onClose(id: number): void {
    const e = this.objects.get(id);
    if (!e) return;
    this.objects.delete(id);
    const caller = this.calls.caller();
    try {
      this.contexts.run({ errno: 0, task: 0 }, () => e.vfs.close());
    } catch (err) {
      this.calls.report(err, caller);
    }
  }

  /**
   * jshandle.c (the hook onJshStart): starts operation `kind` of object
   * `id` on the iolist first..last.  0 if it finished at once (its result
   * written to `op`), 1 if it goes on (finish wakes C).
   */
  onStart(id: number, kind: number, op: number, first: number, last: number, deadline: number): number {
    const e = this.objects.get(id);
    const iface = kind < JSH_MSENDL ? e?.bsock : e?.msock;
    if (!e || !iface) { this.result(op, -1, this.errnoCodes.ENOTSUP); return 0; }
    const recv = kind === JSH_BRECVL || kind === JSH_MRECVL;
    const iol: ImplIoVec[] = [];
    const dest: [number, Uint8Array][] = [];
    let total = 0;
    this.heap.views();
    for (let n = first; n;) {
      const base = this.heap.i32[(n + IOLIST_BASE) >> 2] >>> 0;
      const len = this.heap.i32[(n + IOLIST_LEN) >> 2] >>> 0;
      total += len;
      if (!base) iol.push({ base: null, len });
      else if (!recv) iol.push(this.heap.u8.slice(base, base + len));
      else {
        const b = new Uint8Array(len);
        iol.push(b);
        dest.push([base, b]);
      }
      if (n === last) break;
      n = this.heap.i32[(n + IOLIST_NEXT) >> 2] >>> 0;
    }
    const caller = this.calls.caller();
    // Its library calls run in the caller's coroutine (task) and errno of its own.
    const parent = caller ? caller.ctx : this.contexts.root;
    const ctx: Ctx = { errno: 0, get task() { return parent.task; } };
    const o: JshOp = { ctx, ctrl: new AbortController(), caller, kind, dest, total };
    let r: unknown;
    try {
      const fn = (iface as unknown as { [k: string]: (...a: unknown[]) => unknown })[OP_NAMES[kind]];
      r = this.contexts.run(ctx, () => fn.call(iface, iol, deadline, o.ctrl.signal));
    } catch (err) {
      this.finish(op, o, undefined, err, false);
      return 0;
    }
    if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
      this.ops.set(op, o);
      (r as PromiseLike<unknown>).then(
        (v) => { if (this.ops.get(op) === o) { this.ops.delete(op); this.finish(op, o, v, undefined, true); } },
        (err) => { if (this.ops.get(op) === o) { this.ops.delete(op); this.finish(op, o, undefined, err, true); } });
      return 1;
    }
    this.finish(op, o, r, undefined, false);
    return 0;
  }

  /** The operation's outcome to C (and, if C waits, wakes it). */
  private finish(op: number, o: JshOp, value: unknown, err: unknown, wake: boolean): void {
    const name = OP_NAMES[o.kind];
    let rc = -1;
    let errno = this.errnoCodes.EIO;
    if (err === undefined) {
      const ok = o.kind === JSH_MRECVL
        ? typeof value === 'number' && Number.isInteger(value) && value >= -1 && value <= INT_MAX
        : value === 0 || value === -1;
      if (!ok) {
        err = new TypeError(`${name} of a TypeScript handle must return ${o.kind === JSH_MRECVL ? 'the message size or -1' : '0 or -1'} (or a Promise of it), got ${String(value)}`);
      } else if ((value as number) > o.total) {
        // More than the caller's buffers hold: it would read past them.
        errno = this.errnoCodes.EMSGSIZE;
      } else {
        rc = value as number;
        if (rc < 0) errno = o.ctx.errno || this.errnoCodes.EIO;
      }
    }
    if (err !== undefined) {
      // A DillError (the idiomatic layer's) carries the errno to give.
      const d = err as { name?: unknown; errno?: unknown };
      if (d && typeof d === 'object' && d.name === 'DillError' && typeof d.errno === 'number' && Number.isInteger(d.errno) && d.errno > 0) {
        errno = d.errno;
        // Kept for a caller that asked for it (the idiomatic layer's `cause`).
        if (o.caller && o.caller.ctx.cause !== undefined) o.caller.ctx.cause = { thrown: err };
      } else {
        this.calls.report(err, o.caller);
      }
    }
    if (rc >= 0 && o.dest.length) {
      this.heap.views();
      // A message receive fills rc bytes, in list order; a bytestream one all.
      let left = o.kind === JSH_MRECVL ? rc : Infinity;
      for (const [addr, b] of o.dest) {
        const k = Math.min(b.byteLength, left);
        if (k > 0) this.heap.u8.set(k === b.byteLength ? b : b.subarray(0, k), addr);
        left -= b.byteLength;
        if (left <= 0) break;
      }
    }
    this.result(op, rc, errno);
    if (wake) {
      this.X.dill__host_jsh_done(op);
      this.calls.kick();
    }
  }

  /** Writes an operation's result where jshandle.c reads it (struct dill__jsh_op). */
  private result(op: number, rc: number, errno: number): void {
    this.heap.views();
    this.heap.f64[(op + JSH_OP_RC) >> 3] = rc;
    this.heap.i32[(op + JSH_OP_ERR) >> 2] = errno;
  }

  /** jshandle.c (the hook onJshAbandon): C gave up waiting for `op`: abort it and cancel its library calls. */
  onAbandon(op: number): void {
    const o = this.ops.get(op);
    if (!o) return;
    this.ops.delete(op);
    o.ctx.aborted = true;
    this.calls.cancelCallsOf(o.ctx);
    try {
      o.ctrl.abort();
    } catch (err) {
      this.calls.report(err, o.caller);
    }
  }
}
