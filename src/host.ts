/**
 * The C-faithful TypeScript layer: the library module (dist/wasm/libdill.js)
 * and the functions generated from the header (src/gen/api.ts), marshalled
 * here by parameter kind.
 *
 * - A call that can block becomes a coroutine of its own inside the library
 *   (libdill/host/host.c) and returns a Promise of the C result; calls that
 *   cannot block run at once and return the C result.  bsend and brecv on
 *   IPC and TCP connections run in JS when they can (fastIo), a brecv that
 *   must wait for its bytes included.
 * - errno is per coroutine: each `go()`-started async function has its own
 *   (AsyncLocalStorage); code outside any has the top-level one.
 */
import * as path from 'path';
import { AsyncLocalStorage } from 'async_hooks';
import { CALLS, CONSTANTS, CallDesc, GeneratedApi, GeneratedConstants, IPADDR_SIZE, STORAGE_SIZES } from './gen/api';
import type { BsockVfs, ChClause, HVfs, ImplIoVec, IoList, IoVec, IpAddr, MsockVfs, Socks5AuthFn, Storage } from './types';

/** What wasm/host-pre.js hands over. */
interface Internals {
  fiber: { wake(): void; running: boolean; now(): number };
  host: {
    onDone: ((a: number) => void) | null;
    onAuth: ((a: number, user: number, pass: number) => number) | null;
    onJshQuery: ((id: number, which: number) => number) | null;
    onJshClose: ((id: number) => void) | null;
    onJshStart: ((id: number, kind: number, op: number, first: number, last: number, deadline: number) => number) | null;
    onJshAbandon: ((op: number) => void) | null;
    onTaskCanceled: ((task: number) => void) | null;
  };
  net: ShimNet;
  errnoCodes: { [name: string]: number };
  exports: { [name: string]: any };
  memory: { buffer: ArrayBuffer };
}

/** What src/host.ts uses of the socket layer (DillNet, wasm/shim/sockets.js). */
interface ShimNet {
  /** The endpoint behind descriptor fd, or null. */
  ep(fd: number): ShimEndpoint | null;
  /** Called when the descriptor of an endpoint with a parked receive is cleaned (before it closes). */
  onClean: ((ep: ShimEndpoint) => void) | null;
}

/** A connected endpoint of the socket layer (Endpoint in sockets.js). */
interface ShimEndpoint {
  rxlen: number;
  parked: Park | null;
  /** The Park object of this socket, made at its first parked receive. */
  parkSlot: Park | null;
  /** Receive len bytes into buf now: 1 done, 0 to be waited for, -1 for the general way. */
  fastRecv?(buf: Uint8Array, len: number): number;
  /** Send buf[0, len) now: the count sent (fewer: the rest the general way) or -errno. */
  fastSend(buf: Uint8Array, len: number): number;
  /** Consume up to len received bytes. */
  drop(len: number): void;
  onChange(cb: () => void): void;
  offChange(cb: () => void): void;
}

/**
 * A brecv from TypeScript that waits in JS for its bytes (parked), without
 * a coroutine: see fastIo.
 */
interface Park {
  ep: ShimEndpoint;
  /** The address of its socket's rxparked flag (libdill/host/host.c). */
  flag: number;
  buf: Uint8Array;
  len: number;
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
   * Counts its uses: the object is the socket's for good (parkSlot) and
   * serves its receives one after the other; what is deferred checks that
   * it still has the receive it was for.
   */
  gen: number;
  /** Its place in Host.parks while it waits, else -1. */
  index: number;
  done: boolean;
}

/** The state of one TypeScript coroutine. */
export interface Ctx {
  errno: number;
  /** Its task in the library (libdill/host/host.c), 0 for none. */
  readonly task: number;
  /**
   * Set once the operation of a TypeScript-made handle this context runs
   * was abandoned (its caller timed out or was canceled): its later calls
   * fail with ECANCELED.
   */
  aborted?: boolean;
}

/** A coroutine's context whose task is set and cleared. */
interface TaskCtx extends Ctx {
  task: number;
}

/** A handle made by hmake from TypeScript (libdill/host/jshandle.c). */
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

/**
 * A call's argument block (see libdill/host/host.c): the doubles of the
 * arguments, then room for small buffers, strings and iolists, which so
 * need no malloc of their own.
 */
const BLOCK_SIZE = 512;
const BLOCK_ARGS = 8 * 24;
for (const c of CALLS) {
  if (8 * (3 + c.params.length + 1) > BLOCK_ARGS) throw new Error(`${c.name}: too many parameters for an argument block`);
}

/** Calls that may run in JS on IPC and TCP connections (see fastIo): their direction. */
const FAST_DIR: { [name: string]: number } = { bsend: 0, brecv: 1 };

/** Calls that may run at once when they cannot block (see nowait): their direction. */
const NOWAIT_DIR: { [name: string]: number } = { bsend: 0, bsendl: 0, brecv: 1, brecvl: 1 };

/** The operations of jshandle.c. */
const JSH_BSENDL = 0;
const JSH_BRECVL = 1;
const JSH_MSENDL = 2;
const JSH_MRECVL = 3;
const JSH_NAMES = ['bsendl', 'brecvl', 'msendl', 'mrecvl'] as const;

interface Marshalled {
  block: number;
  /** Room for small buffers inside the block: the next free byte and the end. */
  bump: number;
  end: number;
  /** Run after the call with its result (copy-outs). */
  after: ((result: number) => void)[];
  /** Heap blocks to free after the call. */
  frees: number[];
  /** The function C calls back through a trampoline (socks5_proxy_auth). */
  callback?: Socks5AuthFn | null;
}

interface Pending extends Marshalled {
  resolve(result: number): void;
  reject(error: unknown): void;
  /** What the callback threw: the call's Promise rejects with it. */
  error?: { thrown: unknown };
  ctx: Ctx;
  cr: number;
  desc: CallDesc;
}

/** The address families of this build (musl's values), as ipaddr_family returns them. */
const AF_INET = 2;
const AF_INET6 = 10;

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const SIZE_MAX = 0xffffffff;

function noop(): void {}

/**
 * The results of calls that complete at once in fastIo: one Promise each,
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

/** Thrown for arguments C could not even be given (wrong type, range). */
function bad(fn: string, param: string, what: string): TypeError {
  return new TypeError(`${fn}: ${param} ${what}`);
}

export type CoroutineFn = () => unknown;

/** The C-faithful API of one loaded library instance. */
export interface CApi extends GeneratedApi, GeneratedConstants {
  /**
   * errno of the calling coroutine after its last call.  Settable, as in C:
   * the functions of a TypeScript-made handle (hmake) fail by setting it
   * and returning -1.
   */
  errno: number;
  /**
   * Makes a handle for an object written in TypeScript (C's hmake, from
   * libdillimpl.h): `vfs.query(type)` answers hquery, and returns a
   * {@link BsockVfs} for `bsock_type` or a {@link MsockVfs} for
   * `msock_type`, which makes bsend/brecv... or msend/mrecv... (from
   * TypeScript and from C, e.g. prefix_attach) call it; `vfs.close()` runs
   * at hclose.  -1 with errno EINVAL (null, or no query or close),
   * ECANCELED, ENOMEM.
   */
  hmake(vfs: HVfs | null): number;
  dill_hmake(vfs: HVfs | null): number;
  /**
   * C's hquery: for a handle made by hmake, what its `query` returns for
   * `type` (any value: a symbol of your own, bsock_type...); for a handle
   * made in C, the address of its interface `type` (bsock_type,
   * msock_type) as a number.  null with errno EBADF or ENOTSUP (or what
   * `query` set).
   */
  hquery(h: number, type: unknown): unknown;
  dill_hquery(h: number, type: unknown): unknown;
  /** C's dill_bsock_type: the type of the bytestream interface. */
  readonly bsock_type: number;
  readonly dill_bsock_type: number;
  /** C's dill_msock_type: the type of the message interface. */
  readonly msock_type: number;
  readonly dill_msock_type: number;
  /** C's strerror(). */
  strerror(errnum: number): string;
  /** The errno constants of this build (EPIPE, ECANCELED...). */
  readonly errnos: { readonly [name: string]: number };
  /**
   * Runs `fn` as a coroutine; returns its handle (or -1 with errno).
   * `hclose(h)` cancels every pending and later blocking library call made
   * inside it (they complete with -1/ECANCELED).
   */
  go(fn: CoroutineFn): number;
  dill_go(fn: CoroutineFn): number;
  /** Like go(): `mem`/`len` are checked as in C, but a TS coroutine needs no C stack. */
  go_mem(fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  dill_go_mem(fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  /** Runs `fn` as a coroutine in bundle `bndl`; 0 or -1 with errno. */
  bundle_go(bndl: number, fn: CoroutineFn): number;
  dill_bundle_go(bndl: number, fn: CoroutineFn): number;
  bundle_go_mem(bndl: number, fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  dill_bundle_go_mem(bndl: number, fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  /** Memory for a `_mem` function, e.g. storage('ipc_storage'). */
  storage<K extends string>(kind: K): Storage<K>;
  /** A fresh zeroed `struct ipaddr` (an {@link IpAddr}: IPADDR_SIZE bytes) for the ipaddr_* functions to fill. */
  ipaddr(): IpAddr;
  /** sizeof(struct ipaddr): the byte length every IpAddr must have. */
  readonly IPADDR_SIZE: number;
  readonly CHSEND: number;
  readonly CHRECV: number;
  readonly IPADDR_IPV4: number;
  readonly IPADDR_IPV6: number;
  readonly IPADDR_PREF_IPV4: number;
  readonly IPADDR_PREF_IPV6: number;
  /** The room ipaddr_str needs in its buffer (with the NUL). */
  readonly IPADDR_MAXSTRLEN: number;
  /** What ipaddr_family returns for IPv4 (musl's AF_INET, 2). */
  readonly AF_INET: number;
  /** What ipaddr_family returns for IPv6 (musl's AF_INET6, 10). */
  readonly AF_INET6: number;
  /** Each errno constant of this build, e.g. EPIPE. */
  readonly [errnoName: `E${string}`]: number;
}

export class Host {
  readonly X: { [name: string]: any };
  readonly errnoCodes: { [name: string]: number };
  private readonly fiber: Internals['fiber'];
  private readonly memory: { buffer: ArrayBuffer };
  private u8: Uint8Array;
  private f64: Float64Array;
  private i32: Int32Array;
  private readonly als = new AsyncLocalStorage<Ctx>();
  private readonly root: TaskCtx = { errno: 0, task: 0 };
  private readonly pending = new Map<number, Pending>();
  /** Storage objects made by this instance's storage(): the only ones whose ptr may reach C. */
  private readonly storages = new WeakSet<object>();
  /** Receives waiting in JS (see fastIo). */
  private readonly parks: Park[] = [];
  private readonly net: ShimNet;
  // Keeps Node alive while calls are pending (ref'd only then): `held`
  // counts them.
  private readonly alive: ReturnType<typeof setInterval> = setInterval(() => {}, 1 << 30);
  private held = 0;
  /** Free argument blocks of calls that can block. */
  private readonly blocks: number[] = [];
  /** Argument blocks of calls that cannot block, one per nesting level. */
  private readonly scratch: number[] = [];
  private depth = 0;
  /** Handles made by hmake from TypeScript, by id; and the next id. */
  private readonly jsh = new Map<number, JsHandle>();
  private jshNext = 1;
  /** Their operations C waits for, by the C address of the operation. */
  private readonly jshOps = new Map<number, JshOp>();
  /** The interface types (C's dill_bsock_type, dill_msock_type). */
  readonly bsockType: number;
  readonly msockType: number;
  private readonly errnoLoc: number;
  /** Set while C runs a TS callback that must not call the library (auth_fn, a vfs's query). */
  private inCallback: string | null = null;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(internals: Internals) {
    this.X = internals.exports;
    this.fiber = internals.fiber;
    this.memory = internals.memory;
    this.errnoCodes = internals.errnoCodes;
    this.u8 = new Uint8Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
    this.errnoLoc = this.X.__errno_location();
    this.bsockType = this.X.dill__host_type(1);
    this.msockType = this.X.dill__host_type(2);
    internals.host.onDone = (a: number) => this.done(a);
    internals.host.onAuth = (a: number, user: number, pass: number) => this.auth(a, user, pass);
    internals.host.onJshQuery = (id: number, which: number) => this.jshQuery(id, which);
    internals.host.onJshClose = (id: number) => this.jshClose(id);
    internals.host.onJshStart = (id: number, kind: number, op: number, first: number, last: number, deadline: number) =>
      this.jshStart(id, kind, op, first, last, deadline);
    internals.host.onJshAbandon = (op: number) => this.jshAbandon(op);
    internals.host.onTaskCanceled = (task: number) => this.taskCanceled(task);
    this.net = internals.net;
    this.net.onClean = (ep: ShimEndpoint) => this.parkClean(ep);
    this.alive.unref();
  }

  /**
   * Current views of the heap (memory growth replaces the buffer).  Called
   * after everything that may grow it: malloc() and every call into C.
   */
  private views(): void {
    // Growth detaches the old buffer, which empties the views (cheaper to
    // test than comparing with memory.buffer, a getter).
    if (this.u8.byteLength === 0) {
      this.u8 = new Uint8Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }

  ctx(): Ctx {
    return this.als.getStore() ?? this.root;
  }

  get errno(): number {
    return this.ctx().errno;
  }

  /** malloc in the library's heap; the views stay current (it may grow). */
  private malloc(n: number): number {
    const p = this.X.malloc(n);
    this.views();
    return p;
  }

  /** Run whatever became runnable (after a call that may wake coroutines). */
  private kick(): void {
    if (!this.fiber.running && this.X.dill__host_ready()) this.fiber.wake();
  }

  // ---- marshalling -------------------------------------------------------------

  private marshal(desc: CallDesc, args: unknown[], block: number): Marshalled | null {
    const m: Marshalled = { block, bump: block + BLOCK_ARGS, end: block + BLOCK_SIZE, after: [], frees: [] };
    const params = desc.params;
    if (args.length !== params.length) {
      throw new TypeError(`${desc.name}: expects ${params.length} argument(s), got ${args.length}`);
    }
    let slot = (block >> 3) + 3;
    try {
      for (let i = 0; i < params.length; i++) {
        const p = params[i];
        const v = args[i];
        switch (p.kind) {
          case 'int': {
            if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) {
              throw bad(desc.name, p.name, `must be an integer in the range of a C int, got ${String(v)}`);
            }
            this.f64[slot++] = v;
            break;
          }
          case 'size': {
            if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > SIZE_MAX) {
              throw bad(desc.name, p.name, `must be a length (an integer from 0 to ${SIZE_MAX}), got ${String(v)}`);
            }
            this.f64[slot++] = v;
            break;
          }
          case 'deadline': {
            if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v) && v !== Infinity) {
              throw bad(desc.name, p.name, `must be a deadline in ms (now() + ms, 0 or -1), got ${String(v)}`);
            }
            this.f64[slot++] = v === Infinity ? -1 : Math.trunc(v);
            break;
          }
          case 'inbuf':
          case 'outbuf': {
            // The length is the next parameter (C's buf, len pairs).
            const len = args[i + 1];
            if (v === null) { this.f64[slot++] = 0; break; }
            if (!(v instanceof Uint8Array)) {
              throw bad(desc.name, p.name, 'must be a Uint8Array (or Buffer) or null');
            }
            if (typeof len === 'number' && Number.isInteger(len) && len > v.byteLength) {
              throw bad(desc.name, p.name, `has ${v.byteLength} bytes (detached?) but ${params[i + 1].name} is ${len}`);
            }
            const n = typeof len === 'number' && len >= 0 ? len : 0;
            const ptr = this.alloc(m, Math.max(n, 1));
            if (!ptr) return this.nomem(m);
            // n > 0: a detached buffer (length 0) must not be touched at all:
            // even subarray(0, 0) or set() of nothing throws on one.
            if (p.kind === 'inbuf') { if (n > 0) this.u8.set(v.subarray(0, n), ptr); }
            // A failed call leaves the caller's buffer alone; a message
            // receive (ssize_t result) fills only the bytes it received.
            else if (desc.ret === 'ssize_t') {
              m.after.push((rc) => {
                const k = Math.min(rc, n);
                if (k > 0 && v.byteLength >= k) v.set(this.u8.subarray(ptr, ptr + k));
              });
            } else m.after.push((rc) => { if (rc === -1) return; if (n > 0 && v.byteLength >= n) v.set(this.u8.subarray(ptr, ptr + n)); });
            this.f64[slot++] = ptr;
            break;
          }
          case 'string': {
            if (v === null) { this.f64[slot++] = 0; break; }
            if (typeof v !== 'string') throw bad(desc.name, p.name, 'must be a string or null');
            const bytes = Buffer.from(v + '\0', 'utf8');
            const ptr = this.alloc(m, bytes.length);
            if (!ptr) return this.nomem(m);
            this.u8.set(bytes, ptr);
            this.f64[slot++] = ptr;
            break;
          }
          case 'out2': {
            if (v === null) { this.f64[slot++] = 0; break; }
            if (!Array.isArray(v)) throw bad(desc.name, p.name, 'must be an array (it receives two handles) or null');
            const ptr = this.alloc(m, 8);
            if (!ptr) return this.nomem(m);
            m.after.push((rc) => {
              if (rc !== 0) return;
              v[0] = this.i32[ptr >> 2];
              v[1] = this.i32[(ptr >> 2) + 1];
            });
            this.f64[slot++] = ptr;
            break;
          }
          case 'storage': {
            if (v === null) { this.f64[slot++] = 0; break; }
            const s = v as Storage;
            if (!s || typeof s !== 'object' || s.kind !== p.storage || typeof s.ptr !== 'number') {
              throw bad(desc.name, p.name, `must be storage('${p.storage}') or null`);
            }
            // Only storage made by this instance: a forged object or one from
            // another load() would make C write a struct at an arbitrary
            // address of this heap.
            if (!this.storages.has(s)) throw bad(desc.name, p.name, `must be storage('${p.storage}') of this library instance`);
            if (s.ptr === 0) throw bad(desc.name, p.name, 'was freed');
            this.f64[slot++] = s.ptr;
            break;
          }
          case 'ipaddr':
          case 'ipaddr_out': {
            if (v === null) { this.f64[slot++] = 0; break; }
            this.checkAddr(desc.name, p.name, v);
            const ptr = this.alloc(m, IPADDR_SIZE);
            if (!ptr) return this.nomem(m);
            this.u8.set(v, ptr);
            // C may write a non-const address (ipaddr_local, the port chosen
            // by tcp_listen, the sender of udp_recv...): copied back unless
            // the call failed.
            if (p.kind === 'ipaddr_out') {
              m.after.push((rc) => { if (rc !== -1 && v.byteLength === IPADDR_SIZE) v.set(this.u8.subarray(ptr, ptr + IPADDR_SIZE)); });
            }
            this.f64[slot++] = ptr;
            break;
          }
          case 'ipaddrs': {
            if (v === null) { this.f64[slot++] = 0; break; }
            if (!Array.isArray(v)) throw bad(desc.name, p.name, 'must be an array of IpAddr or null');
            // C writes up to naddrs addresses: more than the array holds
            // would make it write past the block built here.
            const count = args[i + 1];
            if (typeof count === 'number' && count > v.length) {
              throw bad(desc.name, p.name, `has ${v.length} address(es) but ${params[i + 1].name} is ${count}`);
            }
            const k = typeof count === 'number' && count > 0 ? count : 0;
            for (let j = 0; j < k; j++) this.checkAddr(desc.name, `${p.name}[${j}]`, v[j]);
            const ptr = this.alloc(m, Math.max(k * IPADDR_SIZE, 1));
            if (!ptr) return this.nomem(m);
            for (let j = 0; j < k; j++) this.u8.set(v[j], ptr + j * IPADDR_SIZE);
            const addrs = v as IpAddr[];
            m.after.push((rc) => {
              for (let j = 0; j < Math.min(rc, k); j++) {
                if (addrs[j].byteLength === IPADDR_SIZE) addrs[j].set(this.u8.subarray(ptr + j * IPADDR_SIZE, ptr + (j + 1) * IPADDR_SIZE));
              }
            });
            this.f64[slot++] = ptr;
            break;
          }
          case 'strbuf':
          case 'charbuf': {
            // A char * C writes a string into: strbuf has no length beside
            // it, C writes up to p.room bytes (ipaddr_str's ipstr,
            // ws_request_key's key...); charbuf has its length as the next
            // parameter (http_recvfield's name, namelen...).  As through a
            // pointer: C sees the caller's bytes, and what it leaves there
            // (even on failure) is copied back.
            if (v === null) { this.f64[slot++] = 0; break; }
            if (!(v instanceof Uint8Array)) throw bad(desc.name, p.name, 'must be a Uint8Array or null');
            let room: number;
            if (p.kind === 'strbuf') {
              room = p.room!;
              if (v.byteLength < room) throw bad(desc.name, p.name, `must have room for ${room} bytes, has ${v.byteLength}`);
            } else {
              const len = args[i + 1];
              if (typeof len === 'number' && Number.isInteger(len) && len > v.byteLength) {
                throw bad(desc.name, p.name, `has ${v.byteLength} bytes (detached?) but ${params[i + 1].name} is ${len}`);
              }
              room = typeof len === 'number' && len >= 0 ? len : 0;
            }
            const ptr = this.alloc(m, Math.max(room, 1));
            if (!ptr) return this.nomem(m);
            if (room > 0) this.u8.set(v.subarray(0, room), ptr);
            m.after.push(() => { if (room > 0 && v.byteLength >= room) v.set(this.u8.subarray(ptr, ptr + room)); });
            this.f64[slot++] = ptr;
            break;
          }
          case 'intout': {
            // int *: element 0 of an Int32Array or an array, in and out.
            if (v === null) { this.f64[slot++] = 0; break; }
            const isArr = Array.isArray(v);
            if (!(v instanceof Int32Array) && !isArr) throw bad(desc.name, p.name, 'must be an Int32Array (or array) of at least one element, or null');
            if ((v as ArrayLike<number>).length < 1) throw bad(desc.name, p.name, 'must have at least one element');
            const init = (v as ArrayLike<unknown>)[0];
            if (isArr && init !== undefined && (typeof init !== 'number' || !Number.isInteger(init) || init < INT_MIN || init > INT_MAX)) {
              throw bad(desc.name, `${p.name}[0]`, `must be an integer in the range of a C int, got ${String(init)}`);
            }
            const ptr = this.alloc(m, 4);
            if (!ptr) return this.nomem(m);
            this.i32[ptr >> 2] = (init as number | undefined) ?? 0;
            const out = v as Int32Array | number[];
            m.after.push(() => { out[0] = this.i32[ptr >> 2]; });
            this.f64[slot++] = ptr;
            break;
          }
          case 'auth': {
            // The C thunk passes host.c's trampoline for nonzero, which
            // calls this.auth with the call's block.
            if (v === null) { this.f64[slot++] = 0; break; }
            if (typeof v !== 'function') throw bad(desc.name, p.name, 'must be a function (username, password) => boolean | number, or null');
            m.callback = v as Socks5AuthFn;
            this.f64[slot++] = 1;
            break;
          }
          case 'iolist': {
            const recv = desc.name.includes('recv');
            const [first, last] = this.iolist(desc.name, v, recv, m, desc.ret === 'ssize_t');
            if (first < 0) return this.nomem(m);
            this.f64[slot++] = first;
            this.f64[slot++] = last;
            break;
          }
          case 'clauses': {
            if (v === null) { this.f64[slot++] = 0; break; }
            const ptr = this.clauses(desc.name, v, args[i + 1], m);
            if (ptr < 0) return this.nomem(m);
            this.f64[slot++] = ptr;
            break;
          }
        }
      }
    } catch (e) {
      this.release(m);
      throw e;
    }
    return m;
  }

  /** An IpAddr argument: a Uint8Array of exactly IPADDR_SIZE bytes. */
  private checkAddr(fn: string, param: string, v: unknown): asserts v is IpAddr {
    if (!(v instanceof Uint8Array)) throw bad(fn, param, 'must be an IpAddr (a Uint8Array from ipaddr()) or null');
    if (v.byteLength !== IPADDR_SIZE) throw bad(fn, param, `must be an IpAddr of ${IPADDR_SIZE} bytes, has ${v.byteLength}`);
  }

  /** `n` bytes of heap for a call's argument: inside its block if they fit, else malloc'd (freed after the call); 0 if out of memory. */
  private alloc(m: Marshalled, n: number): number {
    const k = (n + 7) & ~7;
    if (m.bump + k <= m.end) {
      const p = m.bump;
      m.bump += k;
      return p;
    }
    const p = this.malloc(n);
    if (p) m.frees.push(p);
    return p;
  }

  private nomem(m: Marshalled): null {
    this.release(m);
    return null;
  }

  private release(m: Marshalled): void {
    if (m.frees.length === 0) return;
    for (const p of m.frees) this.X.free(p);
    m.frees.length = 0;
  }

  /** Builds a C iolist; [first, last] pointers ([0, 0] for an empty one), [-1] if out of memory. */
  private iolist(fn: string, v: unknown, recv: boolean, m: Marshalled, partial = false): [number, number] {
    if (!Array.isArray(v)) throw bad(fn, 'iol', 'must be an array of Uint8Array or { base, len }');
    if (v.length === 0) return [0, 0];
    const vecs: { base: Uint8Array | null; len: number }[] = v.map((e: IoVec, i: number) => {
      if (e instanceof Uint8Array) return { base: e, len: e.byteLength };
      if (e && typeof e === 'object' && (e.base === null || e.base instanceof Uint8Array) &&
          typeof e.len === 'number' && Number.isInteger(e.len) && e.len >= 0 && e.len <= SIZE_MAX) {
        if (e.base && e.len > e.base.byteLength) throw bad(fn, `iol[${i}]`, `has ${e.base.byteLength} bytes but len is ${e.len}`);
        return { base: e.base, len: e.len };
      }
      throw bad(fn, `iol[${i}]`, 'must be a Uint8Array or { base: Uint8Array | null, len }');
    });
    const nodes = this.alloc(m, 16 * vecs.length);
    if (!nodes) return [-1, -1];
    let offset = 0;
    for (let i = 0; i < vecs.length; i++) {
      const { base, len } = vecs[i];
      let ptr = 0;
      if (base) {
        ptr = this.alloc(m, Math.max(len, 1));
        if (!ptr) return [-1, -1];
        if (!recv) { if (len > 0) this.u8.set(base.subarray(0, len), ptr); }  // len > 0: see 'inbuf'
        else if (partial) {
          // A message receive (mrecvl, udp_recvl): rc bytes, in list order.
          const at = offset;
          m.after.push((rc) => {
            const k = Math.min(len, rc - at);
            if (k > 0 && base.byteLength >= k) base.set(this.u8.subarray(ptr, ptr + k));
          });
        } else m.after.push((rc) => { if (rc === -1) return; if (len > 0 && base.byteLength >= len) base.set(this.u8.subarray(ptr, ptr + len)); });
      }
      offset += len;
      const n = (nodes >> 2) + 4 * i;
      this.i32[n] = ptr;
      this.i32[n + 1] = len;
      this.i32[n + 2] = i + 1 < vecs.length ? nodes + 16 * (i + 1) : 0;
      this.i32[n + 3] = 0;
    }
    return [nodes, nodes + 16 * (vecs.length - 1)];
  }

  /** Builds C chclauses; the pointer, or -1 if out of memory. */
  private clauses(fn: string, v: unknown, nclauses: unknown, m: Marshalled): number {
    if (!Array.isArray(v)) throw bad(fn, 'clauses', 'must be an array of { op, ch, val, len } or null');
    const cls = v as ChClause[];
    // C reads nclauses clauses: more than the array holds would make it read
    // past the block built here (whatever the heap holds there).
    if (typeof nclauses === 'number' && nclauses > cls.length) {
      throw bad(fn, 'clauses', `has ${cls.length} clause(s) but nclauses is ${nclauses}`);
    }
    const arr = this.alloc(m, Math.max(16 * cls.length, 16));
    if (!arr) return -1;
    for (let i = 0; i < cls.length; i++) {
      const c = cls[i];
      if (!c || typeof c !== 'object') throw bad(fn, `clauses[${i}]`, 'must be { op, ch, val, len }');
      for (const k of ['op', 'ch'] as const) {
        if (typeof c[k] !== 'number' || !Number.isInteger(c[k]) || c[k] < INT_MIN || c[k] > INT_MAX) {
          throw bad(fn, `clauses[${i}].${k}`, 'must be an integer in the range of a C int');
        }
      }
      if (typeof c.len !== 'number' || !Number.isInteger(c.len) || c.len < 0 || c.len > SIZE_MAX) {
        throw bad(fn, `clauses[${i}].len`, 'must be a length');
      }
      if (c.val !== null && !(c.val instanceof Uint8Array)) throw bad(fn, `clauses[${i}].val`, 'must be a Uint8Array or null');
      if (c.val && c.len > c.val.byteLength) throw bad(fn, `clauses[${i}].val`, `has ${c.val.byteLength} bytes but len is ${c.len}`);
      let ptr = 0;
      if (c.val) {
        ptr = this.alloc(m, Math.max(c.len, 1));
        if (!ptr) return -1;
        if (c.len > 0) this.u8.set(c.val.subarray(0, c.len), ptr);  // c.len > 0: see 'inbuf'
        const val = c.val, len = c.len, index = i;
        m.after.push((rc) => {
          if (rc !== index || cls[index].op !== 2) return;
          if (len > 0 && val.byteLength >= len) val.set(this.u8.subarray(ptr, ptr + len));
        });
      }
      const n = (arr >> 2) + 4 * i;
      this.i32[n] = c.op;
      this.i32[n + 1] = c.ch;
      this.i32[n + 2] = ptr;
      this.i32[n + 3] = c.len;
    }
    return arr;
  }

  // ---- calls ---------------------------------------------------------------------

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
    return this.runSync(desc, args, (p) => this.pointee(desc, p)) as string | Uint8Array | null;
  }

  /** The value a pointer result `p` stands for. */
  private pointee(desc: CallDesc, p: number): string | Uint8Array | null {
    if (!p) return null;
    if (desc.ret === 'string') {
      let end = p;
      while (this.u8[end]) end++;
      return Buffer.from(this.u8.subarray(p, end)).toString('utf8');
    }
    // A struct sockaddr inside an ipaddr: as many bytes as ipaddr_len says
    // (the whole struct ipaddr for a family it does not know).
    const family = this.u8[p] | (this.u8[p + 1] << 8);
    const len = family === AF_INET ? 16 : family === AF_INET6 ? 28 : IPADDR_SIZE;
    return this.u8.slice(p, p + len);
  }

  /**
   * A callback runs in the middle of a C function, on its coroutine's stack:
   * calling into the library from there could close or reuse what that
   * function is working on, or switch coroutines under it.
   */
  private reentered(name: string): void {
    if (this.inCallback) throw new Error(`${name}: a callback called from the library (${this.inCallback}) must not call into the library`);
  }

  /** C calls socks5_proxy_auth's auth_fn (host.c's trampoline): its result. */
  private auth(block: number, user: number, pass: number): number {
    const p = this.pending.get(block);
    if (!p || !p.callback || p.error) return 0;
    this.views();
    const str = (ptr: number): string | null => {
      let end = ptr;
      while (this.u8[end]) end++;
      try {
        return this.utf8.decode(this.u8.subarray(ptr, end));
      } catch {
        return null;
      }
    };
    const username = str(user);
    const password = str(pass);
    // Not UTF-8: refused without asking (decoding with replacement
    // characters could make two different names look equal).
    if (username === null || password === null) return 0;
    this.inCallback = "socks5_proxy_auth's auth_fn";
    try {
      const r = p.callback(username, password);
      if (typeof r === 'boolean') return r ? 1 : 0;
      if (typeof r === 'number' && !Number.isNaN(r)) return r !== 0 ? 1 : 0;
      throw new TypeError(`${p.desc.name}: auth_fn must return a boolean or a number, got ${typeof r}`);
    } catch (e) {
      p.error = { thrown: e };
      return 0;
    } finally {
      this.inCallback = null;
    }
  }

  private runSync(desc: CallDesc, args: unknown[], convert: ((p: number) => unknown) | null, ctx: Ctx = this.ctx()): unknown {
    this.reentered(desc.name);
    // A call can nest in another (the close of a TypeScript-made handle
    // closing the handles it holds): each level has its own block.
    if (this.depth === this.scratch.length) {
      const b = this.X.malloc(BLOCK_SIZE);
      if (!b) { ctx.errno = this.errnoCodes.ENOMEM; return -1; }
      this.scratch.push(b);
    }
    const block = this.scratch[this.depth];
    const m = this.marshal(desc, args, block);
    if (!m) { ctx.errno = this.errnoCodes.ENOMEM; return -1; }
    const a = block >> 3;
    this.f64[a] = desc.index;
    this.f64[a + 1] = ctx.errno;
    this.depth++;
    try {
      this.X.dill__host_sync(block);
    } finally {
      this.depth--;
    }
    this.views();
    const rc = this.f64[a + 2];
    ctx.errno = this.f64[a + 1];
    for (const f of m.after) f(rc);
    const result = convert ? convert(rc) : rc;
    this.release(m);
    this.kick();
    return result;
  }

  /**
   * A call that can block: a coroutine of its own; resolves to the C result.
   * Its errno goes to `ctx` (by default the calling coroutine's; the
   * idiomatic layer gives each call its own, in the same task).
   */
  callAsync(desc: CallDesc, args: unknown[], onStart?: (cancel: () => void) => void,
      ctx: Ctx = this.ctx()): Promise<number> {
    this.reentered(desc.name);
    if (ctx.aborted) { ctx.errno = this.errnoCodes.ECANCELED; return Promise.resolve(-1); }
    const fast = FAST_DIR[desc.name];
    if (fast !== undefined) {
      const r = this.fastIo(fast, desc, args, onStart, ctx);
      if (r !== null) return r;
    }
    return this.callGeneral(desc, args, onStart, ctx);
  }

  /** callAsync without fastIo. */
  private callGeneral(desc: CallDesc, args: unknown[], onStart: ((cancel: () => void) => void) | undefined,
      ctx: Ctx): Promise<number> {
    const dir = NOWAIT_DIR[desc.name];
    if (dir !== undefined && this.nowait(args, dir, ctx)) {
      // It cannot block: no coroutine needed (as in C, where a call that
      // need not wait returns without switching).
      const rc = this.runSync(desc, args, null, ctx) as number;
      if (onStart) onStart(() => {});
      return Promise.resolve(rc);
    }
    const block = this.blocks.pop() ?? this.malloc(BLOCK_SIZE);
    if (!block) { ctx.errno = this.errnoCodes.ENOMEM; return Promise.resolve(-1); }
    let m: Marshalled | null;
    try {
      m = this.marshal(desc, args, block);
    } catch (e) {
      this.freeBlock(block);
      throw e;
    }
    if (!m) { this.freeBlock(block); ctx.errno = this.errnoCodes.ENOMEM; return Promise.resolve(-1); }
    const a = block >> 3;
    this.f64[a] = desc.index;
    this.f64[a + 1] = ctx.errno;
    const cr = this.X.dill__host_spawn(block, ctx.task);
    if (!cr) {
      this.views();
      ctx.errno = this.i32[this.errnoLoc >> 2];
      this.release(m);
      this.freeBlock(block);
      return Promise.resolve(-1);
    }
    return new Promise<number>((resolve, reject) => {
      // A literal: spreading `m` here cost microseconds per call on Node 20.
      const p: Pending = { block: m!.block, bump: 0, end: 0, after: m!.after, frees: m!.frees, callback: m!.callback, resolve, reject, ctx, cr, desc };
      this.pending.set(block, p);
      this.hold(1);
      if (onStart) onStart(() => { if (this.pending.get(block) === p) { this.X.dill__host_cancel(cr); this.kick(); } });
      if (!this.fiber.running) this.fiber.wake();
    });
  }

  /** `d` more (or fewer) calls pending: Node stays alive while there are any. */
  private hold(d: number): void {
    this.held += d;
    if (d > 0 && this.held === d) this.alive.ref();
    else if (this.held === 0) this.alive.unref();
  }

  /**
   * bsend (dir 0) or brecv (dir 1) on an IPC or TCP connection, in JS: no
   * argument block, no copy through the library's memory, no coroutine.
   * A send that the socket layer takes whole at once, or a receive whose
   * bytes are there, completes here.  A receive whose bytes are not there
   * yet waits for them here (parked): its socket's receiving is busy (a
   * second receive gets EBUSY, as in C), and its deadline, cancellation
   * and hclose of the socket end it as they end a receive waiting in C.
   * The call returns null where it goes the general way: bad arguments, a
   * handle of another kind, an error or the end of the stream to report, a
   * send that must wait, a deadline of 0.
   */
  private fastIo(dir: number, desc: CallDesc, args: unknown[], onStart: ((cancel: () => void) => void) | undefined,
      ctx: Ctx): Promise<number> | null {
    if (args.length !== 4) return null;
    const h = args[0], buf = args[1], len = args[2], dl = args[3];
    if (typeof h !== 'number' || (h | 0) !== h || !(buf instanceof Uint8Array) || typeof len !== 'number' ||
        !Number.isInteger(len) || len < 0 || len > buf.byteLength || typeof dl !== 'number' ||
        !(Number.isFinite(dl) || dl === Infinity)) return null;
    const fd = this.X.dill__host_fast(h, dir, ctx.task);
    if (fd < 0) return null;
    const ep = this.net.ep(fd);
    if (ep === null || ep.fastRecv === undefined) return null;
    if (dir === 0) {
      const k = ep.fastSend(buf, len);
      if (k === 0 && len > 0) return null;
      if (k >= 0 && k < len) {
        // Sent in part: the rest waits for room, the general way.
        return this.callGeneral(desc, [h, buf.subarray(k), len - k, dl], onStart, ctx);
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
    const r = ep.fastRecv(buf, len);
    if (r === 1) {
      if (onStart) onStart(noop);
      return RESOLVED_0;
    }
    const deadline = dl === Infinity || dl < 0 ? -1 : Math.trunc(dl);
    if (r < 0 || deadline === 0) return null;
    const flag = this.X.dill__host_park(h);
    if (flag === 0) return null;
    // One Park per socket, reused (at most one receive waits on a socket).
    let p = ep.parkSlot;
    if (p === null) {
      const q: Park = {
        ep, flag: 0, buf, len: 0, ctx, task: 0, desc, args, deadline: 0, timer: null, resolve: noop, reject: noop,
        wake: () => this.parkWake(q), inner: null, gen: 0, index: -1, done: true,
      };
      ep.parkSlot = p = q;
    }
    p.gen++;
    p.flag = flag; p.buf = buf; p.len = len; p.ctx = ctx; p.task = ctx.task; p.desc = desc; p.args = args;
    p.deadline = deadline; p.inner = null; p.done = false;
    const promise = new Promise<number>(stash);
    p.resolve = stashed.resolve;
    p.reject = stashed.reject;
    ep.parked = p;
    ep.onChange(p.wake);
    p.index = this.parks.length;
    this.parks.push(p);
    this.hold(1);
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

  /** Runs fn now, or once the library has returned if it is running (C must not be re-entered). */
  private safely(fn: () => void): void {
    if (this.fiber.running || this.depth > 0) queueMicrotask(fn);
    else fn();
  }

  /** A parked receive's socket changed: its bytes came, or it goes the general way. */
  private parkWake(p: Park): void {
    if (p.done) return;
    const r = p.ep.fastRecv!(p.buf, p.len);
    if (r === 0) {
      p.ep.onChange(p.wake);
      return;
    }
    if (r === 1) {
      const resolve = p.resolve;
      this.parkEnd(p);
      this.views();
      this.i32[p.flag >> 2] = 0;
      resolve(0);
      return;
    }
    // The end of the stream, an error: reported by C.
    const gen = p.gen;
    this.safely(() => this.parkConvert(p, gen));
  }

  /** The parked receive `p` (its generation `gen`) becomes a call the general way. */
  private parkConvert(p: Park, gen: number): void {
    if (p.done || p.gen !== gen) return;
    const { flag, ctx, desc, args, resolve, reject } = p;
    this.parkEnd(p);
    if (this.X.dill__host_unpark(flag, 0)) {
      ctx.errno = this.errnoCodes.EBADF;
      resolve(-1);
      return;
    }
    // Canceling it now cancels the general call (while p.gen stays gen):
    // callGeneral hands its cancel over before it returns.
    this.callGeneral(desc, args, (cancel) => { p.inner = cancel; }, ctx).then(resolve, reject);
  }

  /**
   * The parked receive `p` (generation `gen`) fails with `errno`
   * (ETIMEDOUT, ECANCELED).  As in C, the bytes that came meanwhile are
   * consumed (a receive waiting in C has them already) and receiving is
   * unusable after.
   */
  private parkFail(p: Park, gen: number, errno: number): void {
    this.safely(() => {
      if (p.done || p.gen !== gen) return;
      const { flag, ctx, resolve, len, ep } = p;
      this.parkEnd(p);
      ep.drop(len);
      ctx.errno = this.X.dill__host_unpark(flag, 1) ? this.errnoCodes.EBADF : errno;
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
    p.timer = setTimeout(() => this.parkTimer(p, gen), left);
  }

  /** The descriptor of a parked receive's socket is cleaned (hclose, fdclean): the receive fails with EBADF. */
  private parkClean(ep: ShimEndpoint): void {
    const p = ep.parked;
    if (!p || p.done) return;
    const { flag, ctx, resolve, len } = p;
    this.parkEnd(p);
    // Consumed now, before the descriptor closes: closing with unread bytes
    // would reset the peer, where a receive waiting in C has them already.
    ep.drop(len);
    queueMicrotask(() => {
      this.X.dill__host_unpark(flag, 1);
      ctx.errno = this.errnoCodes.EBADF;
      resolve(-1);
    });
  }

  /** Task `task` was canceled (hclose of its bundle): its parked receives fail with ECANCELED. */
  private taskCanceled(task: number): void {
    for (const p of this.parks.slice()) if (p.task === task) this.parkFail(p, p.gen, this.errnoCodes.ECANCELED);
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
    this.hold(-1);
  }

  /** Would bsend/brecv-like `args` (dir 0 send, 1 receive) complete at once on their socket? */
  private nowait(args: unknown[], dir: number, ctx: Ctx): boolean {
    const h = args[0];
    if (typeof h !== 'number' || (h | 0) !== h || h < 0) return false;
    let len: number;
    if (args.length === 4) {
      len = args[2] as number;
      if (typeof len !== 'number' || !(len >= 0)) return false;
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
    if (this.canceled(ctx)) return false;
    return this.X.dill__host_nowait(h, dir, len) !== 0;
  }

  /** A call's argument block back to the pool. */
  private freeBlock(block: number): void {
    if (this.blocks.length < 64) this.blocks.push(block);
    else this.X.free(block);
  }

  /** A call's coroutine finished (dill__js_host_done). */
  private done(block: number): void {
    const p = this.pending.get(block);
    if (!p) return;
    this.pending.delete(block);
    this.hold(-1);
    this.views();
    const a = block >> 3;
    const rc = this.f64[a + 2];
    p.ctx.errno = this.f64[a + 1];
    for (const f of p.after) f(rc);
    this.release(p);
    this.freeBlock(block);
    if (p.error) p.reject(p.error.thrown);
    else p.resolve(rc);
  }

  // ---- handles made in TypeScript (hmake) ----------------------------------------

  /** hmake: a handle for `vfs`; -1 with errno EINVAL (no query or close), ECANCELED, ENOMEM. */
  hmake(vfs: HVfs | null): number {
    this.reentered('hmake');
    const ctx = this.ctx();
    if (vfs === null) { ctx.errno = this.errnoCodes.EINVAL; return -1; }
    if (typeof vfs !== 'object') throw bad('hmake', 'vfs', 'must be an object { query, close } or null');
    // C's NULL query or close.
    if (typeof vfs.query !== 'function' || typeof vfs.close !== 'function') { ctx.errno = this.errnoCodes.EINVAL; return -1; }
    if (this.canceled(ctx)) { ctx.errno = this.errnoCodes.ECANCELED; return -1; }
    const id = this.jshNext++;
    this.jsh.set(id, { vfs, bsock: null, msock: null });
    const h = this.X.dill__host_hmake(id);
    if (h < 0) {
      this.jsh.delete(id);
      this.views();
      ctx.errno = this.i32[this.errnoLoc >> 2];
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
    this.reentered('hquery');
    if (typeof h !== 'number' || !Number.isInteger(h) || h < INT_MIN || h > INT_MAX) {
      throw bad('hquery', 'h', `must be an integer in the range of a C int, got ${String(h)}`);
    }
    const ctx = this.ctx();
    const id = this.X.dill__host_jsh_id(h);
    if (id === -1) { ctx.errno = this.errnoCodes.EBADF; return null; }
    if (id >= 0) {
      const q = this.query(this.jsh.get(id)!, type, undefined);
      if (q.value === null) { ctx.errno = q.errno; return null; }
      return q.value;
    }
    // A C handle answers C types only.
    if (typeof type !== 'number' || !Number.isInteger(type)) { ctx.errno = this.errnoCodes.ENOTSUP; return null; }
    const saved = this.i32[this.errnoLoc >> 2];
    const p = this.X.dill_hquery(h, type >>> 0);
    this.views();
    if (!p) { ctx.errno = this.i32[this.errnoLoc >> 2]; return null; }
    this.i32[this.errnoLoc >> 2] = saved;
    return p;
  }

  /** Calls the query of `e` (no library calls allowed inside): its answer, or null and the errno. */
  private query(e: JsHandle, type: unknown, caller: Pending | undefined): { value: unknown; errno: number } {
    const qctx: Ctx = { errno: 0, task: 0 };
    this.inCallback = "a TypeScript handle's query";
    try {
      const value = this.als.run(qctx, () => e.vfs.query(type));
      if (value === null || value === undefined) return { value: null, errno: qctx.errno || this.errnoCodes.ENOTSUP };
      return { value, errno: 0 };
    } catch (err) {
      this.report(err, caller);
      return { value: null, errno: this.errnoCodes.ENOTSUP };
    } finally {
      this.inCallback = null;
    }
  }

  /** An exception of a TypeScript handle's function: the TS call it runs for rejects with it, else it is uncaught. */
  private report(err: unknown, caller: Pending | undefined): void {
    if (caller && this.pending.get(caller.block) === caller) {
      if (!caller.error) caller.error = { thrown: err };
      return;
    }
    queueMicrotask(() => { throw err; });
  }

  /** The pending TS call whose coroutine is running (undefined for a coroutine C started). */
  private caller(): Pending | undefined {
    const block = this.X.dill__host_current();
    return block ? this.pending.get(block) : undefined;
  }

  /** jshandle.c: does object `id` offer interface `which` (1 bytestream, 2 message)?  0 or the errno. */
  private jshQuery(id: number, which: number): number {
    const e = this.jsh.get(id);
    if (!e) return this.errnoCodes.ENOTSUP;
    const caller = this.caller();
    const q = this.query(e, which === 1 ? this.bsockType : this.msockType, caller);
    if (q.value === null) return q.errno;
    const v = q.value as { [k: string]: unknown };
    const names = which === 1 ? ['bsendl', 'brecvl'] : ['msendl', 'mrecvl'];
    if (typeof v !== 'object' || names.some((n) => typeof v[n] !== 'function')) {
      this.report(new TypeError(`hquery: a TypeScript handle's query must return an object with ${names.join(' and ')} for ${which === 1 ? 'bsock_type' : 'msock_type'}`), caller);
      return this.errnoCodes.ENOTSUP;
    }
    if (which === 1) e.bsock = v as unknown as BsockVfs;
    else e.msock = v as unknown as MsockVfs;
    return 0;
  }

  /** jshandle.c: the handle of object `id` is closed. */
  private jshClose(id: number): void {
    const e = this.jsh.get(id);
    if (!e) return;
    this.jsh.delete(id);
    const caller = this.caller();
    try {
      this.als.run({ errno: 0, task: 0 }, () => e.vfs.close());
    } catch (err) {
      this.report(err, caller);
    }
  }

  /**
   * jshandle.c: starts operation `kind` of object `id` on the iolist
   * first..last.  0 if it finished at once (its result written to `op`),
   * 1 if it goes on (jshFinish wakes C).
   */
  private jshStart(id: number, kind: number, op: number, first: number, last: number, deadline: number): number {
    const e = this.jsh.get(id);
    const iface = kind < JSH_MSENDL ? e?.bsock : e?.msock;
    if (!e || !iface) { this.jshResult(op, -1, this.errnoCodes.ENOTSUP); return 0; }
    const recv = kind === JSH_BRECVL || kind === JSH_MRECVL;
    const iol: ImplIoVec[] = [];
    const dest: [number, Uint8Array][] = [];
    let total = 0;
    this.views();
    for (let n = first; n;) {
      const base = this.i32[n >> 2] >>> 0;
      const len = this.i32[(n >> 2) + 1] >>> 0;
      total += len;
      if (!base) iol.push({ base: null, len });
      else if (!recv) iol.push(this.u8.slice(base, base + len));
      else {
        const b = new Uint8Array(len);
        iol.push(b);
        dest.push([base, b]);
      }
      if (n === last) break;
      n = this.i32[(n >> 2) + 2] >>> 0;
    }
    const caller = this.caller();
    // Its library calls run in the caller's coroutine (task) and errno of its own.
    const parent = caller ? caller.ctx : this.root;
    const ctx: Ctx = { errno: 0, get task() { return parent.task; } };
    const o: JshOp = { ctx, ctrl: new AbortController(), caller, kind, dest, total };
    let r: unknown;
    try {
      const fn = (iface as unknown as { [k: string]: (...a: unknown[]) => unknown })[JSH_NAMES[kind]];
      r = this.als.run(ctx, () => fn.call(iface, iol, deadline, o.ctrl.signal));
    } catch (err) {
      this.jshFinish(op, o, undefined, err, false);
      return 0;
    }
    if (r && typeof (r as PromiseLike<unknown>).then === 'function') {
      this.jshOps.set(op, o);
      (r as PromiseLike<unknown>).then(
        (v) => { if (this.jshOps.get(op) === o) { this.jshOps.delete(op); this.jshFinish(op, o, v, undefined, true); } },
        (err) => { if (this.jshOps.get(op) === o) { this.jshOps.delete(op); this.jshFinish(op, o, undefined, err, true); } });
      return 1;
    }
    this.jshFinish(op, o, r, undefined, false);
    return 0;
  }

  /** The operation's outcome to C (and, if C waits, wakes it). */
  private jshFinish(op: number, o: JshOp, value: unknown, err: unknown, wake: boolean): void {
    const name = JSH_NAMES[o.kind];
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
      } else {
        this.report(err, o.caller);
      }
    }
    if (rc >= 0 && o.dest.length) {
      this.views();
      // A message receive fills rc bytes, in list order; a bytestream one all.
      let left = o.kind === JSH_MRECVL ? rc : Infinity;
      for (const [addr, b] of o.dest) {
        const k = Math.min(b.byteLength, left);
        if (k > 0) this.u8.set(k === b.byteLength ? b : b.subarray(0, k), addr);
        left -= b.byteLength;
        if (left <= 0) break;
      }
    }
    this.jshResult(op, rc, errno);
    if (wake) {
      this.X.dill__host_jsh_done(op);
      this.kick();
    }
  }

  /** Writes an operation's result where jshandle.c reads it (rc at +8, err at +16). */
  private jshResult(op: number, rc: number, errno: number): void {
    this.views();
    this.f64[(op + 8) >> 3] = rc;
    this.i32[(op + 16) >> 2] = errno;
  }

  /** jshandle.c: C gave up waiting for `op`: abort it and cancel its library calls. */
  private jshAbandon(op: number): void {
    const o = this.jshOps.get(op);
    if (!o) return;
    this.jshOps.delete(op);
    o.ctx.aborted = true;
    for (const p of this.pending.values()) {
      if (p.ctx === o.ctx) this.X.dill__host_cancel(p.cr);
    }
    try {
      o.ctrl.abort();
    } catch (err) {
      this.report(err, o.caller);
    }
  }

  /** A context whose calls are to fail with ECANCELED. */
  private canceled(ctx: Ctx): boolean {
    return !!ctx.aborted || (ctx.task !== 0 && this.X.dill__host_task_canceled(ctx.task) !== 0);
  }

  // ---- coroutines ----------------------------------------------------------------

  /** bundle_go: runs fn as a coroutine in bundle `bndl`. */
  bundleGo(bndl: number, fn: CoroutineFn, name: string): number {
    this.reentered(name);
    const ctx = this.ctx();
    if (typeof fn !== 'function') throw new TypeError(`${name}: fn must be a function`);
    if (typeof bndl !== 'number' || !Number.isInteger(bndl) || bndl < INT_MIN || bndl > INT_MAX) {
      throw bad(name, 'bndl', 'must be an integer in the range of a C int');
    }
    if (this.canceled(ctx)) {
      ctx.errno = this.errnoCodes.ECANCELED;
      return -1;
    }
    const task = this.X.dill__host_task_start(bndl);
    if (!task) {
      this.views();
      ctx.errno = this.i32[this.errnoLoc >> 2];
      return -1;
    }
    const child: TaskCtx = { errno: 0, task };
    this.als.run(child, () => {
      Promise.resolve().then(fn).finally(() => {
        // A receive it left waiting in JS must stay in its bundle (hclose
        // of the bundle cancels it): it goes the general way, a coroutine
        // in the bundle.
        for (const p of this.parks.slice()) if (p.task === task) this.parkConvert(p, p.gen);
        child.task = 0;
        this.X.dill__host_task_end(task);
        this.kick();
      });
    });
    if (!this.fiber.running) this.fiber.wake();
    return 0;
  }

  /** A fresh zeroed IpAddr. */
  ipaddr(): IpAddr {
    return new Uint8Array(IPADDR_SIZE);
  }

  storage<K extends string>(kind: K): Storage<K> {
    this.reentered('storage');
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
    this.storages.add(s);
    return s;
  }

  strerror(errnum: number): string {
    if (typeof errnum !== 'number' || !Number.isInteger(errnum)) throw bad('strerror', 'errnum', 'must be an integer');
    const p = this.X.strerror(errnum | 0);
    this.views();
    let end = p;
    while (this.u8[end]) end++;
    return Buffer.from(this.u8.subarray(p, end)).toString('utf8');
  }
}

/** The Host behind a CApi object (for the idiomatic layer). */
export const HOST = Symbol('libdill-wasm host');

/** The Host of an API object made by makeApi. */
export function hostOf(api: CApi): Host {
  const h = (api as unknown as { [HOST]?: Host })[HOST];
  if (!h) throw new TypeError('not a libdill-wasm API object (use load())');
  return h;
}

/** The description of C function `name` (from the generated table). */
const CALLS_BY_NAME = new Map(CALLS.map((c) => [c.name, c]));

export function callDesc(name: string): CallDesc {
  const d = CALLS_BY_NAME.get(name);
  if (!d) throw new Error(`no C function '${name}'`);
  return d;
}

/** Builds the C-faithful API object of a Host. */
export function makeApi(host: Host): CApi {
  const api: { [name: string]: unknown } = {};
  Object.defineProperty(api, HOST, { value: host });
  for (const desc of CALLS) {
    // (No blocking call returns a pointer: the generator would need
    // callAsync to convert it too.)
    if (desc.async && (desc.ret === 'string' || desc.ret === 'sockaddr')) {
      throw new Error(`${desc.name}: a blocking call returning a pointer is not supported`);
    }
    // (A callback finds its function through the pending call's block.)
    if (!desc.async && desc.params.some((p) => p.kind === 'auth')) {
      throw new Error(`${desc.name}: a non-blocking call taking a callback is not supported`);
    }
    const f = desc.async
      ? (...args: unknown[]) => host.callAsync(desc, args)
      : desc.ret === 'void'
        ? (...args: unknown[]) => { host.callSync(desc, args); }
        : desc.ret === 'string' || desc.ret === 'sockaddr'
          ? (...args: unknown[]) => host.callSyncPtr(desc, args)
          : (...args: unknown[]) => host.callSync(desc, args);
    Object.defineProperty(f, 'name', { value: desc.name });
    api[desc.name] = f;
    api[`dill_${desc.name}`] = f;
  }
  const memCheck = (name: string, mem: Uint8Array | null, len: number): boolean => {
    if (mem !== null && !(mem instanceof Uint8Array)) throw bad(name, 'mem', 'must be a Uint8Array or null');
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || len > SIZE_MAX) throw bad(name, 'len', 'must be a length');
    if (mem && len > mem.byteLength) throw bad(name, 'mem', `has ${mem.byteLength} bytes but len is ${len}`);
    return true;
  };
  const bundleDesc = callDesc('bundle');
  const hcloseDesc = callDesc('hclose');
  const go = (fn: CoroutineFn): number => {
    if (typeof fn !== 'function') throw new TypeError('go: fn must be a function');
    const b = host.callSync(bundleDesc, []);
    if (b < 0) return -1;
    if (host.bundleGo(b, fn, 'go') < 0) {
      const err = host.ctx().errno;
      host.callSync(hcloseDesc, [b]);
      host.ctx().errno = err;
      return -1;
    }
    return b;
  };
  const extra: { [name: string]: unknown } = {
    go,
    go_mem: (fn: CoroutineFn, mem: Uint8Array | null, len: number) => (memCheck('go_mem', mem, len), go(fn)),
    bundle_go: (b: number, fn: CoroutineFn) => host.bundleGo(b, fn, 'bundle_go'),
    bundle_go_mem: (b: number, fn: CoroutineFn, mem: Uint8Array | null, len: number) =>
      (memCheck('bundle_go_mem', mem, len), host.bundleGo(b, fn, 'bundle_go_mem')),
  };
  for (const [k, v] of Object.entries(extra)) {
    api[k] = v;
    api[`dill_${k}`] = v;
  }
  api.strerror = (e: number) => host.strerror(e);
  api.hmake = api.dill_hmake = (vfs: HVfs | null) => host.hmake(vfs);
  api.hquery = api.dill_hquery = (h: number, type: unknown) => host.hquery(h, type);
  api.bsock_type = api.dill_bsock_type = host.bsockType;
  api.msock_type = api.dill_msock_type = host.msockType;
  api.storage = <K extends string>(kind: K) => host.storage(kind);
  api.ipaddr = () => host.ipaddr();
  api.errnos = Object.freeze({ ...host.errnoCodes });
  for (const [k, v] of Object.entries(host.errnoCodes)) api[k] = v;
  for (const [k, v] of Object.entries(CONSTANTS)) api[k] = v;
  api.IPADDR_SIZE = IPADDR_SIZE;
  api.AF_INET = AF_INET;
  api.AF_INET6 = AF_INET6;
  Object.defineProperty(api, 'errno', {
    get: () => host.errno,
    set: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT_MAX) throw bad('errno', 'value', `must be an errno (a non-negative integer), got ${String(v)}`);
      host.ctx().errno = v;
    },
    enumerable: true,
  });
  return api as unknown as CApi;
}

/** Where the library module is (dist/wasm). */
export const MODULE_JS = path.join(__dirname, 'wasm', 'libdill.js');
