/**
 * The idiomatic layer: objects, Promises and exceptions over the C-faithful
 * API (src/host.ts, src/gen/api.ts).
 *
 *   const d = await Dill.load();
 *   await using ls = await d.ipcListen('/tmp/x.sock');
 *   const server = d.go(async () => {
 *     await using s = await ls.accept();
 *     for await (const chunk of s) await s.send(chunk);   // echo until EPIPE
 *   });
 *
 * - Every C handle is an object ({@link Handle}): `close()` is hclose,
 *   `using` / `await using` close it.
 * - A failing call throws a {@link DillError} (code, errno, syscall) instead
 *   of returning -1.
 * - Every call that can block takes {@link CallOptions}: a deadline (as in C)
 *   and an AbortSignal, whose abort cancels the pending call exactly as
 *   hclose of its coroutine would (it fails with ECANCELED).
 * - Coroutines are async functions: {@link Dill.go} and {@link Bundle.go};
 *   closing their handle cancels every library call they make.
 */
import { CApi, Ctx, Host, callDesc, hostOf } from './host';
import { load } from './load';
import type { BsockVfs, ImplIoVec, IpAddr, MsockVfs } from './types';

// Node 20 defines Symbol.dispose and Symbol.asyncDispose (as the registered
// symbols below), but only in its main realm: in a vm context (jest's test
// environment, say) they are missing. Define the same symbols there.
for (const [name, key] of [['dispose', 'nodejs.dispose'], ['asyncDispose', 'nodejs.asyncDispose']] as const) {
  if (typeof (Symbol as unknown as Record<string, unknown>)[name] !== 'symbol') {
    Object.defineProperty(Symbol, name, { value: Symbol.for(key) });
  }
}

// ---- errors -------------------------------------------------------------------

/**
 * A library call failed: what C reports with -1 and errno.
 *
 * Shaped like Node's system errors: `err.code` is the errno name
 * (`'EPIPE'`), `err.errno` its number in this library build (the value of
 * `dill.EPIPE` in the C-faithful API, not Node's negative libuv numbers),
 * `err.syscall` the C function that failed (`'ipc_done'`), and the message
 * reads `ipc_done: EPIPE: Broken pipe` (the text is C's strerror).
 */
/**
 * Runs the C attach `call` on `sock`'s handle: on success C owns the handle
 * (returned: the protocol's); if C failed on a valid handle it has closed
 * it (upstream's attaches close the socket they were given), and so is
 * `sock` now.
 */
function attachOrClose(sock: { _disown(): number }, call: () => number): number {
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

export class DillError extends Error {
  /** The errno name, e.g. `'EPIPE'` (`'E<number>'` for a number this build has no name for). */
  readonly code: string;
  /** The errno number of this build (e.g. `dill.EPIPE`). */
  readonly errno: number;
  /** The C function that failed, e.g. `'brecv'`. */
  readonly syscall: string;

  /**
   * @param syscall The C function that failed.
   * @param errno Its errno.
   * @param code The errno name.
   * @param description The errno text (strerror).
   */
  constructor(syscall: string, errno: number, code: string, description: string) {
    super(`${syscall}: ${code}: ${description}`);
    this.name = 'DillError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
  }
}

// ---- options --------------------------------------------------------------------

/** Options of every call that can block. */
export interface CallOptions {
  /**
   * When the call gives up with ETIMEDOUT: an absolute time in ms on the
   * {@link Dill.now} clock (`d.now() + 1000`), as in C. `0` tries once
   * without blocking; `-1`, `Infinity` or leaving it out: no deadline.
   */
  deadline?: number;
  /**
   * Aborting it cancels the pending call as hclose of its coroutine would:
   * the call fails with a {@link DillError} `ECANCELED` (and has the effect
   * a canceled call has in C: a canceled receive leaves the socket unable
   * to receive). A signal that is already aborted fails the call at once
   * with ECANCELED, without entering the library.
   */
  signal?: AbortSignal;
}

/** Options of {@link ByteStream.chunks}. */
export interface ChunkOptions extends CallOptions {
  /** The largest chunk yielded, in bytes (default 65536). */
  maxChunk?: number;
}

/** Options of {@link Channel.recv} and {@link Channel.messages}. */
export interface ChannelRecvOptions extends CallOptions {
  /** Size of the message to receive (default: the channel's messageSize). */
  size?: number;
}

// ---- internals ------------------------------------------------------------------

/** errno names that share a number: the name reported. */
const PREFERRED = new Set(['EAGAIN', 'ENOTSUP', 'EDEADLK']);

/**
 * A blocking call started in the library.
 * @internal
 */
class Pending {
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

  constructor(
    private readonly dill: Dill,
    readonly fn: string,
    private readonly ctx: Ctx,
    start: (onStart: (cancel: () => void) => void) => Promise<number>,
    owner: Handle | null,
  ) {
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

  /** Cancels the call if it is still pending (it completes with ECANCELED). */
  cancel(): void {
    if (this.cancelFn) this.cancelFn();
  }

  /** Aborting `signal` cancels the call (until it completes). */
  follow(signal: AbortSignal | undefined): void {
    if (!signal || this.settled) return;
    const onAbort = (): void => this.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) this.cancel();
  }

  /** The result (>= 0), or throws the call's DillError. */
  async outcome(): Promise<number> {
    const rc = await this.raw;
    if (rc < 0) throw this.dill.error(this.fn, this.ctx.errno);
    return rc;
  }
}

/** One byte read ahead by a chunk iterator, and the call reading it. */
interface ReadAhead {
  call: Pending;
  buf: Uint8Array;
}

function deadlineOf(opts: CallOptions | undefined): number {
  const d = opts?.deadline;
  return d === undefined ? -1 : d;
}

/** A promise whose rejection does not count as unhandled. */
function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

// ---- the library ------------------------------------------------------------------

/**
 * One library instance, idiomatically: makes the handle objects and runs
 * coroutines. Made from the C-faithful API (`new Dill(await load())`) or with
 * {@link Dill.load}; both layers can be used side by side (`d.api`).
 */
export class Dill {
  /** The C-faithful API this object is made from. */
  readonly api: CApi;
  private readonly host: Host;
  private readonly names = new Map<number, string>();

  /** Loads a new library instance (as `load()` does) and wraps it. */
  static async load(): Promise<Dill> {
    return new Dill(await load());
  }

  /** @param api An API object made by `load()`. */
  constructor(api: CApi) {
    this.api = api;
    this.host = hostOf(api);
    for (const [name, num] of Object.entries(api.errnos)) {
      if (!this.names.has(num) || PREFERRED.has(name)) this.names.set(num, name);
    }
  }

  /** The {@link DillError} of C function `syscall` failing with `errno` (default: the caller's errno). */
  error(syscall: string, errno: number = this.api.errno): DillError {
    const code = this.names.get(errno) ?? `E${errno}`;
    return new DillError(syscall, errno, code, this.api.strerror(errno));
  }

  /** The current time in ms, the clock of deadlines (C's now()). */
  now(): number {
    return this.api.now();
  }

  /** Sleeps until `deadline` (C's msleep); throws ECANCELED if canceled. */
  async sleep(deadline: number, opts?: { signal?: AbortSignal }): Promise<void> {
    await this._call('msleep', [deadline], opts, null);
  }

  /** Lets the other coroutines run (C's yield). */
  async yield(opts?: { signal?: AbortSignal }): Promise<void> {
    await this._call('yield', [], opts, null);
  }

  /**
   * Runs `fn` as a coroutine (C's go). Its library calls run inside it:
   * closing the returned {@link Coroutine} cancels them (they fail with
   * ECANCELED, as do its later ones). `fn`'s result or exception is
   * {@link Coroutine.result}.
   */
  go<T>(fn: () => T | PromiseLike<T>): Coroutine<T> {
    const r = deferred<T>();
    const h = this.api.go(async () => {
      try { r.resolve(await fn()); } catch (e) { r.reject(e); }
    });
    if (h < 0) throw this.error('go');
    return new Coroutine(this, h, r.promise);
  }

  /** A new empty {@link Bundle} (C's bundle). */
  bundle(): Bundle {
    const h = this.api.bundle();
    if (h < 0) throw this.error('bundle');
    return new Bundle(this, h);
  }

  /**
   * A new channel (C's chmake): its two ends. A message sent on one end is
   * received on the other; sender and receiver must agree on its size (else
   * both fail with EMSGSIZE). `messageSize` is the default size of
   * {@link Channel.recv} and of iteration.
   */
  channel(opts?: { messageSize?: number }): [Channel, Channel] {
    const chv = [0, 0];
    if (this.api.chmake(chv) < 0) throw this.error('chmake');
    return [new Channel(this, chv[0], opts?.messageSize), new Channel(this, chv[1], opts?.messageSize)];
  }

  /**
   * Listens on unix socket `path` (C's ipc_listen; `backlog` defaults to 10).
   * The socket file stays after the listener closes, as natively: unlink it.
   */
  async ipcListen(path: string, opts?: { backlog?: number }): Promise<IpcListener> {
    const h = await this._call('ipc_listen', [path, opts?.backlog ?? 10], undefined, null);
    return new IpcListener(this, h, path);
  }

  /** Connects to the listener at unix socket `path` (C's ipc_connect). */
  async ipcConnect(path: string, opts?: CallOptions): Promise<IpcSocket> {
    const h = await this._call('ipc_connect', [path, deadlineOf(opts)], opts, null);
    return new IpcSocket(this, h);
  }

  /** Two connected IPC sockets (C's ipc_pair). */
  ipcPair(): [IpcSocket, IpcSocket] {
    const s = [0, 0];
    if (this.api.ipc_pair(s) < 0) throw this.error('ipc_pair');
    return [new IpcSocket(this, s[0]), new IpcSocket(this, s[1])];
  }

  /** An IPC socket on connected descriptor `fd` (C's ipc_fromfd), e.g. one from {@link IpcSocket.recvfd}. */
  ipcFromFd(fd: number): IpcSocket {
    const h = this.api.ipc_fromfd(fd);
    if (h < 0) throw this.error('ipc_fromfd');
    return new IpcSocket(this, h);
  }

  /** An IPC listener on listening descriptor `fd` (C's ipc_listener_fromfd). */
  ipcListenerFromFd(fd: number): IpcListener {
    const h = this.api.ipc_listener_fromfd(fd);
    if (h < 0) throw this.error('ipc_listener_fromfd');
    return new IpcListener(this, h, null);
  }

  // ---- IP addresses, TCP, UDP ------------------------------------------------------

  /**
   * A local address (C's ipaddr_local): `name` is an address literal
   * (`'127.0.0.1'`, `'::1'`), the name of a network interface (`'lo'`), or
   * null for any local address of the preferred family.
   * @throws DillError ENODEV (no such interface, or it has no address of
   *   the family), EINVAL (port out of range).
   */
  ipLocal(name: string | null, port: number, opts?: IpOptions): IpAddress {
    const a = this.api.ipaddr();
    if (this.api.ipaddr_local(a, name, port, modeOf(this.api, opts?.mode)) < 0) throw this.error('ipaddr_local');
    return new IpAddress(this, a);
  }

  /**
   * The address of remote host `name` (C's ipaddr_remote): a literal, or a
   * name resolved as getaddrinfo does (/etc/hosts, then DNS).
   * @throws DillError EADDRNOTAVAIL (no address of the families allowed),
   *   the resolver's errors, ETIMEDOUT, ECANCELED.
   */
  async ipRemote(name: string, port: number, opts?: IpRemoteOptions): Promise<IpAddress> {
    const a = this.api.ipaddr();
    await this._call('ipaddr_remote', [a, name, port, modeOf(this.api, opts?.mode), deadlineOf(opts)], opts, null);
    return new IpAddress(this, a);
  }

  /**
   * Up to `opts.max` (default 16) addresses of remote host `name`, the
   * preferred family first (C's ipaddr_remotes); possibly none.
   * @throws DillError as {@link Dill.ipRemote}.
   */
  async ipRemotes(name: string, port: number, opts?: IpRemoteOptions & { max?: number }): Promise<IpAddress[]> {
    const max = opts?.max ?? 16;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive count, got ${max}`);
    const addrs = Array.from({ length: max }, () => this.api.ipaddr());
    const n = await this._call('ipaddr_remotes', [addrs, max, name, port, modeOf(this.api, opts?.mode), deadlineOf(opts)], opts, null);
    return addrs.slice(0, n).map((a) => new IpAddress(this, a));
  }

  /** Wraps an address of the C-faithful API (see {@link IpAddress}). */
  ipAddress(bytes: IpAddr): IpAddress {
    return new IpAddress(this, bytes);
  }

  /**
   * Listens for TCP connections on local address `addr` (C's tcp_listen;
   * `backlog` defaults to 10). With port 0 the system chooses one:
   * {@link TcpListener.port}.
   * @throws DillError EADDRINUSE, EADDRNOTAVAIL, EACCES...
   */
  async tcpListen(addr: IpAddress, opts?: { backlog?: number }): Promise<TcpListener> {
    if (!(addr instanceof IpAddress)) throw new TypeError('tcpListen: addr must be an IpAddress');
    const a = addr.bytes;
    const h = await this._call('tcp_listen', [a, opts?.backlog ?? 10], undefined, null);
    return new TcpListener(this, h, new IpAddress(this, a));
  }

  /**
   * Connects to `addr` (C's tcp_connect).
   * @throws DillError ECONNREFUSED, ETIMEDOUT, ECANCELED...
   */
  async tcpConnect(addr: IpAddress, opts?: CallOptions): Promise<TcpSocket> {
    if (!(addr instanceof IpAddress)) throw new TypeError('tcpConnect: addr must be an IpAddress');
    const h = await this._call('tcp_connect', [addr.bytes, deadlineOf(opts)], opts, null);
    return new TcpSocket(this, h, addr);
  }

  /**
   * Connects to host `name` by RFC 8305 "happy eyeballs" (C's
   * happyeyeballs_connect): its IPv6 and IPv4 addresses are tried in a
   * staggered race and the first connection made wins.
   * @throws DillError ECONNREFUSED, EADDRNOTAVAIL, ETIMEDOUT, ECANCELED...
   */
  async happyEyeballs(name: string, port: number, opts?: CallOptions): Promise<TcpSocket> {
    const h = await this._call('happyeyeballs_connect', [name, port, deadlineOf(opts)], opts, null);
    return new TcpSocket(this, h, null);
  }

  /** A TCP socket on connected descriptor `fd` (C's tcp_fromfd). */
  tcpFromFd(fd: number): TcpSocket {
    const h = this.api.tcp_fromfd(fd);
    if (h < 0) throw this.error('tcp_fromfd');
    return new TcpSocket(this, h, null);
  }

  /** A TCP listener on listening descriptor `fd` (C's tcp_listener_fromfd). */
  tcpListenerFromFd(fd: number): TcpListener {
    const h = this.api.tcp_listener_fromfd(fd);
    if (h < 0) throw this.error('tcp_listener_fromfd');
    return new TcpListener(this, h, null);
  }

  /**
   * Opens a UDP socket (C's udp_open) bound to `local` (port 0: one the
   * system chooses, see {@link UdpSocket.local}), with `remote` as its
   * default destination and only accepted sender. Both are optional; given
   * both, they must be of the same family.
   * @throws DillError EADDRINUSE, EINVAL...
   */
  async udpOpen(opts?: { local?: IpAddress | null; remote?: IpAddress | null }): Promise<UdpSocket> {
    const local = opts?.local ?? null;
    const remote = opts?.remote ?? null;
    for (const [k, v] of [['local', local], ['remote', remote]] as const) {
      if (v !== null && !(v instanceof IpAddress)) throw new TypeError(`udpOpen: ${k} must be an IpAddress or null`);
    }
    const l = local ? local.bytes : null;
    const h = await this._call('udp_open', [l, remote ? remote.bytes : null], undefined, null);
    return new UdpSocket(this, h, l ? new IpAddress(this, l) : null, remote);
  }

  // ---- WebSocket keys --------------------------------------------------------------

  /**
   * A fresh Sec-WebSocket-Key (C's ws_request_key): 24 characters of
   * base64, for a handshake done by hand (see `noHttp`).
   */
  wsRequestKey(): string {
    const buf = new Uint8Array(this.api.WS_KEY_SIZE);
    this._sync('ws_request_key', [buf]);
    return cstr(buf);
  }

  /**
   * The Sec-WebSocket-Accept answer to request key `key` (C's
   * ws_response_key).
   * @throws DillError EPROTO if `key` is not an RFC 6455 key.
   */
  wsResponseKey(key: string): string {
    const buf = new Uint8Array(this.api.WS_KEY_SIZE);
    this._sync('ws_response_key', [key, buf]);
    return cstr(buf);
  }

  // ---- sockets written in TypeScript ----------------------------------------------

  /**
   * A bytestream socket written in TypeScript (C's hmake with a bsock
   * interface): `bsend`/`brecv` on its handle, from TypeScript or C, and
   * the protocols attached on it (attachPrefix, attachHttp...) call `impl`.
   * Its functions fail by throwing a {@link DillError} (its errno is what
   * the caller gets: DillErrors of the calls they make pass through as
   * they are); they get the caller's deadline and a signal that aborts
   * when the caller gives up (deadline, cancellation), to pass on to the
   * calls they make (`lower.send(data, opts)`).
   * @throws DillError ENOMEM, ECANCELED.
   */
  byteStream(impl: ByteStreamImpl): CustomByteStream {
    return new CustomByteStream(this, this.hmakeOf(impl, 'bsock_type', bsockOf(impl)), impl);
  }

  /**
   * A message socket written in TypeScript (C's hmake with an msock
   * interface), as {@link Dill.byteStream}: `msend`/`mrecv` on its handle
   * and TERM attached on it call `impl`.
   * @throws DillError ENOMEM, ECANCELED.
   */
  messageSocket(impl: MessageSocketImpl): CustomMessageSocket {
    return new CustomMessageSocket(this, this.hmakeOf(impl, 'msock_type', msockOf(impl)), impl);
  }

  /** hmake for `impl`, whose interface of C type `kind` is `vfs`. */
  private hmakeOf(impl: ByteStreamImpl | MessageSocketImpl, kind: 'bsock_type' | 'msock_type', vfs: BsockVfs | MsockVfs): number {
    if (!impl || typeof impl !== 'object') throw new TypeError(`${kind === 'bsock_type' ? 'byteStream' : 'messageSocket'}: impl must be an object`);
    for (const f of ['send', 'recv', 'close'] as const) {
      if (typeof impl[f] !== 'function') throw new TypeError(`${kind === 'bsock_type' ? 'byteStream' : 'messageSocket'}: impl.${f} must be a function`);
    }
    const type = this.api[kind];
    const h = this.api.hmake({
      query: (t) => (t === type ? vfs : impl.query ? impl.query(t) ?? null : null),
      close: () => impl.close(),
    });
    if (h < 0) throw this.error('hmake');
    return h;
  }

  // ---- calls ---------------------------------------------------------------------

  /**
   * Runs non-blocking C function `fn` by name: its result, or throws its
   * DillError.
   * @internal
   */
  _sync(fn: string, args: unknown[]): number {
    const rc = this.host.callSync(callDesc(fn), args);
    if (rc < 0) throw this.error(fn);
    return rc;
  }

  /**
   * Starts blocking C function `fn`. It runs with an errno of its own: with
   * a shared one, another call of the same coroutine finishing in the same
   * scheduler run could overwrite it before we read it.
   * @internal
   */
  _start(fn: string, args: unknown[], opts: CallOptions | undefined, owner: Handle | null): Pending {
    const d = callDesc(fn);
    const cur = this.host.ctx();
    const ctx: Ctx = { errno: cur.errno, task: cur.task };
    const p = new Pending(this, fn, ctx, (onStart) => this.host.callAsync(d, args, onStart, ctx), owner);
    p.follow(opts?.signal);
    return p;
  }

  /**
   * Runs blocking C function `fn`: its result, or throws its DillError.
   * @internal
   */
  async _call(fn: string, args: unknown[], opts: CallOptions | undefined, owner: Handle | null): Promise<number> {
    this._precheck(fn, opts, owner);
    return this._start(fn, args, opts, owner).outcome();
  }

  /**
   * Fails without entering the library if the signal is aborted already or
   * the handle object is closed.
   * @internal
   */
  _precheck(fn: string, opts: CallOptions | undefined, owner: Handle | null): void {
    if (owner && owner.closed) throw this.error(fn, this.api.EBADF);
    if (opts?.signal?.aborted) throw this.error(fn, this.api.ECANCELED);
  }
}

// ---- handles --------------------------------------------------------------------

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
    const p = this.dill._start(fn, [h, ...rest], opts, null);
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
 * A coroutine started by {@link Dill.go}: the handle of its bundle. Closing
 * it cancels the coroutine: its pending and later library calls fail with
 * ECANCELED.
 */
export class Coroutine<T = unknown> extends Handle {
  /**
   * What the async function returned, or its exception. (A rejection that
   * nobody looks at is not reported as unhandled.)
   */
  readonly result: Promise<T>;

  /** @internal */
  constructor(dill: Dill, handle: number, result: Promise<T>) {
    super(dill, handle);
    this.result = result;
  }

  /**
   * Waits until the coroutine has finished (C's bundle_wait), then gives
   * its result, or throws its exception.
   * @throws DillError ETIMEDOUT at the deadline, ECANCELED.
   */
  async wait(opts?: CallOptions): Promise<T> {
    await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    return this.result;
  }
}

/**
 * A bundle of coroutines (C's bundle): they run until they finish or the
 * bundle is closed, which cancels those still running.
 */
export class Bundle extends Handle {
  private errors: unknown[] = [];

  /**
   * Runs `fn` as a coroutine in the bundle (C's bundle_go). Returns its
   * result (a rejection nobody looks at is not reported as unhandled; the
   * first one is thrown by {@link Bundle.wait}).
   */
  go<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    this.dill._precheck('bundle_go', undefined, this);
    const r = deferred<T>();
    const rc = this.dill.api.bundle_go(this.handle, async () => {
      try { r.resolve(await fn()); } catch (e) { this.errors.push(e); r.reject(e); }
    });
    if (rc < 0) throw this.dill.error('bundle_go');
    return r.promise;
  }

  /**
   * Waits until every coroutine of the bundle has finished (C's
   * bundle_wait). Then, if some of them threw since the last wait, throws
   * the first of these exceptions.
   * @throws DillError ETIMEDOUT at the deadline (the coroutines go on).
   */
  async wait(opts?: CallOptions): Promise<void> {
    await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    const errors = this.errors;
    this.errors = [];
    if (errors.length) throw errors[0];
  }
}

/**
 * One end of a channel (made in pairs by {@link Dill.channel}). Channels pass
 * messages between coroutines; a send waits for a receiver and vice versa.
 */
export class Channel extends Handle implements AsyncIterable<Uint8Array> {
  /** Default message size of {@link Channel.recv} and iteration. */
  readonly messageSize: number | undefined;

  /**
   * Takes ownership of channel handle `handle`.
   * @param messageSize Default message size for receiving.
   */
  constructor(dill: Dill, handle: number, messageSize?: number) {
    super(dill, handle);
    this.messageSize = messageSize;
  }

  /**
   * Sends `msg` (C's chsend): resolves once a receiver has taken it.
   * @throws DillError EPIPE after done(), EMSGSIZE if the receiver wanted
   *   another size, ETIMEDOUT, ECANCELED.
   */
  async send(msg: Uint8Array, opts?: CallOptions): Promise<void> {
    await this.dill._call('chsend', [this.handle, msg, msg.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives a message of `opts.size` bytes (default: messageSize), C's
   * chrecv.
   * @throws DillError EPIPE once the peer called done() and every message
   *   sent before was received; EMSGSIZE, ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: ChannelRecvOptions): Promise<Uint8Array> {
    const size = opts?.size ?? this.messageSize;
    if (size === undefined) throw new TypeError('Channel.recv: no size (give opts.size or a messageSize)');
    const buf = new Uint8Array(size);
    await this.dill._call('chrecv', [this.handle, buf, size, deadlineOf(opts)], opts, this);
    return buf;
  }

  /** Closes sending to this end's peer (C's chdone): its receives then fail with EPIPE. */
  done(): void {
    this.dill._precheck('chdone', undefined, this);
    if (this.dill.api.chdone(this.handle) < 0) throw this.dill.error('chdone');
  }

  /**
   * The messages received, each of `opts.size` bytes (default:
   * messageSize), until the peer's done() (EPIPE ends the iteration); other
   * errors are thrown. The deadline applies to the whole iteration.
   */
  messages(opts?: ChannelRecvOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return receiveUntil(() => this.recv(opts), isEpipe);
  }

  /** `for await (const msg of ch)`: {@link Channel.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.messages();
  }
}

/** A listening unix socket (C's ipc_listen), made by {@link Dill.ipcListen}. */
export class IpcListener extends Handle {
  /** The socket path it listens on (null if made from a descriptor). */
  readonly path: string | null;

  /**
   * Takes ownership of listener handle `handle`.
   * @param path Its socket path, if known.
   */
  constructor(dill: Dill, handle: number, path: string | null = null) {
    super(dill, handle);
    this.path = path;
  }

  /**
   * Waits for and accepts the next connection (C's ipc_accept).
   * @throws DillError ETIMEDOUT, ECANCELED.
   */
  async accept(opts?: CallOptions): Promise<IpcSocket> {
    const h = await this.dill._call('ipc_accept', [this.handle, deadlineOf(opts)], opts, this);
    return new IpcSocket(this.dill, h);
  }
}

/**
 * A connected bytestream socket: what {@link IpcSocket} and
 * {@link TcpSocket} share (C's bsend/brecv, and their protocol's done and
 * close).
 *
 * As in C a receive is all or nothing: {@link ByteStream.recv} gets exactly
 * the bytes asked for, and once a receive has failed (EPIPE, ETIMEDOUT,
 * ECANCELED...) the socket cannot receive any more (later receives fail).
 * Iterating (`for await (const chunk of sock)`) yields the bytes as they
 * come, until the peer's done() or close.
 */
export abstract class ByteStream extends Handle implements AsyncIterable<Uint8Array> {
  /**
   * How long `await using` waits for the orderly close, in ms (default
   * 1000): leaving the scope runs {@link ByteStream.closeGracefully} with a
   * deadline this far away.
   */
  disposeTimeout = 1000;
  /** The 1-byte read a chunk iterator left pending. @internal */
  protected ahead: ReadAhead | null = null;

  /** The protocol's half-close function, e.g. `'ipc_done'`. @internal */
  protected abstract get doneCall(): string;
  /** The protocol's orderly close function, e.g. `'ipc_close'`. @internal */
  protected abstract get closeCall(): string;

  /**
   * An object of this socket's class for handle `h`: the socket a
   * protocol's detach gives back.
   * @internal
   */
  abstract _rewrap(h: number): ByteStream;

  /**
   * Fails with EBUSY while a chunk iterator has a read pending (its byte
   * would be lost to the protocol).
   * @internal
   */
  private idle(fn: string, opts?: CallOptions): void {
    this.dill._precheck(fn, opts, this);
    if (this.ahead) throw this.dill.error(fn, this.dill.api.EBUSY);
  }

  /**
   * Runs a non-blocking attach: on success C owns this object's handle; on
   * failure C has closed it (as upstream's attaches do), and so this object.
   */
  private attachSync<T>(fn: string, rest: unknown[], make: (h: number, lower: (h: number) => this) => T): T {
    this.idle(fn);
    const h = attachOrClose(this, () => this.dill._sync(fn, [this.handle, ...rest]));
    return make(h, (u) => this._rewrap(u) as this);
  }

  /**
   * Runs a blocking attach (a handshake). C takes the handle over as it
   * starts, so this object is closed from then on; if the attach fails,
   * the socket is closed too (as upstream libdill does, bad arguments
   * included).
   */
  private async attachAsync(fn: string, rest: unknown[], opts: CallOptions | undefined): Promise<number> {
    const h = this._disown();
    return await this.dill._call(fn, [h, ...rest], opts, null);
  }

  /**
   * Attaches PREFIX (C's prefix_attach): messages, each preceded by its
   * size in a `hdrlen`-byte header (1 to 8; big-endian unless
   * `littleEndian`). This object is closed (the protocol owns the socket
   * now); {@link PrefixSocket.detach} gives it back. If attaching fails,
   * the socket is closed too (as in C).
   * @throws DillError EINVAL (hdrlen), EBUSY (a chunk iterator's read is pending).
   */
  attachPrefix(hdrlen: number, opts?: { littleEndian?: boolean }): PrefixSocket<this> {
    const api = this.dill.api;
    const flags = opts?.littleEndian ? api.PREFIX_LITTLE_ENDIAN : api.PREFIX_BIG_ENDIAN;
    return this.attachSync('prefix_attach', [hdrlen, flags],
      (h, lower) => new PrefixSocket(this.dill, h, hdrlen, !!opts?.littleEndian, lower));
  }

  /**
   * Attaches SUFFIX (C's suffix_attach): messages, each followed by
   * `suffix` (1 to 32 bytes; a string is taken as UTF-8). This object is
   * closed; {@link SuffixSocket.detach} gives the socket back. If attaching
   * fails, the socket is closed too (as in C).
   * @throws DillError EINVAL (bad suffix), EBUSY.
   */
  attachSuffix(suffix: Uint8Array | string): SuffixSocket<this> {
    const buf = typeof suffix === 'string' ? Buffer.from(suffix, 'utf8') : suffix;
    return this.attachSync('suffix_attach', [buf, buf.byteLength],
      (h, lower) => new SuffixSocket(this.dill, h, buf.slice(), lower));
  }

  /**
   * Attaches HTTP (C's http_attach): request or status lines and header
   * fields; {@link HttpSocket.detach} gives the socket back positioned at
   * the body. If attaching fails, the socket is closed too (as in C).
   * @throws DillError EBUSY.
   */
  attachHttp(): HttpSocket<this> {
    return this.attachSync('http_attach', [], (h, lower) => new HttpSocket(this.dill, h, lower));
  }

  /**
   * Attaches the client side of WebSocket (C's ws_attach_client): sends
   * the HTTP upgrade request for `resource` on `host` and checks the
   * answer, unless `noHttp` (a handshake done by hand). `text` makes it a
   * text socket (for plain msend/mrecv; {@link WebSocket.send} chooses per
   * message). This object is closed once the handshake starts; if it
   * fails, so is the socket (bad arguments too, as upstream).
   * @throws DillError EPROTO (the server refused or answered wrongly),
   *   ECONNRESET, ETIMEDOUT, ECANCELED, EINVAL.
   */
  async attachWsClient(opts: WsClientOptions): Promise<WebSocket<this>> {
    const api = this.dill.api;
    this.idle('ws_attach_client', opts);
    const flags = (opts.text ? api.WS_TEXT : api.WS_BINARY) | (opts.noHttp ? api.WS_NOHTTP : 0);
    const resource = opts.noHttp ? opts.resource ?? null : opts.resource ?? '/';
    const host = opts.noHttp ? opts.host ?? null : opts.host ?? 'localhost';
    const h = await this.attachAsync('ws_attach_client', [flags, resource, host, deadlineOf(opts)], opts);
    return new WebSocket(this.dill, h, !!opts.text, (u) => this._rewrap(u) as this);
  }

  /**
   * Attaches the server side of WebSocket (C's ws_attach_server): reads the
   * client's HTTP upgrade request and answers it, unless `noHttp`. Gives
   * the socket and the resource and host the client asked for (null with
   * `noHttp`). This object is closed once the handshake starts; if it
   * fails, so is the socket (the client was answered 400 or 426 if its
   * request was no WebSocket handshake).
   * @throws DillError EPROTO (not a WebSocket request), EMSGSIZE (resource
   *   or host longer than `maxLength`), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async attachWsServer(opts?: WsServerOptions): Promise<WsAccepted<this>> {
    const api = this.dill.api;
    this.idle('ws_attach_server', opts);
    const flags = (opts?.text ? api.WS_TEXT : api.WS_BINARY) | (opts?.noHttp ? api.WS_NOHTTP : 0);
    const n = opts?.maxLength ?? 4096;
    const resource = opts?.noHttp ? null : new Uint8Array(n);
    const host = opts?.noHttp ? null : new Uint8Array(n);
    const h = await this.attachAsync('ws_attach_server',
      [flags, resource, resource ? n : 0, host, host ? n : 0, deadlineOf(opts)], opts);
    return {
      socket: new WebSocket(this.dill, h, !!opts?.text, (u) => this._rewrap(u) as this),
      resource: resource && cstr(resource),
      host: host && cstr(host),
    };
  }

  /**
   * Attaches the client side of TLS (C's tls_attach_client): the handshake,
   * with Node's tls module as the engine. The server's certificate is
   * checked only if the environment says against what (DILL_TLS_CA, a PEM
   * bundle or "system"; DILL_TLS_HOST, the name it must be for, also sent
   * as SNI). This object is closed once the handshake starts; if it fails,
   * so is the socket (bad arguments too, as upstream).
   * {@link TlsSocket.detach} gives the socket back.
   * @throws DillError EPROTO (the peer does not speak TLS, or its
   *   certificate failed the checks), ECONNRESET (the peer gave up: an
   *   alert, or the connection ended), EINVAL (DILL_TLS_CA unreadable),
   *   ETIMEDOUT, ECANCELED.
   */
  async attachTlsClient(opts?: CallOptions): Promise<TlsSocket<this>> {
    this.idle('tls_attach_client', opts);
    const h = await this.attachAsync('tls_attach_client', [deadlineOf(opts)], opts);
    return new TlsSocket(this.dill, h, (u) => this._rewrap(u) as this);
  }

  /**
   * Attaches the server side of TLS (C's tls_attach_server) with the PEM
   * certificate chain and private key in files `cert` and `key`; runs the
   * handshake. Ownership as {@link ByteStream.attachTlsClient}.
   * @throws DillError EFAULT (a file missing or not holding what it
   *   should, nothing sent: upstream's errno), EPROTO, ECONNRESET,
   *   ETIMEDOUT, ECANCELED.
   */
  async attachTlsServer(files: { cert: string; key: string }, opts?: CallOptions): Promise<TlsSocket<this>> {
    this.idle('tls_attach_server', opts);
    const h = await this.attachAsync('tls_attach_server', [files.cert, files.key, deadlineOf(opts)], opts);
    return new TlsSocket(this.dill, h, (u) => this._rewrap(u) as this);
  }

  /**
   * Asks the SOCKS5 proxy at the other end of this socket to connect to
   * `host` (a name the proxy resolves) or `addr`, on `port` (C's
   * socks5_client_connectbyname / socks5_client_connect), authenticating
   * with `username` and `password` if given (RFC 1929). Afterwards the
   * socket carries the tunneled connection.
   * @throws DillError EACCES (the proxy refused the credentials or wants
   *   other ones), the errno of the proxy's failure reply (ECONNREFUSED,
   *   EHOSTUNREACH...), EPROTO (not a SOCKS5 proxy), EINVAL, ETIMEDOUT.
   */
  async socks5Connect(opts: Socks5ConnectOptions): Promise<void> {
    this.idle('socks5_client_connect', opts);
    const user = opts.username ?? null;
    const pass = opts.password ?? null;
    if (opts.addr !== undefined) {
      if (!(opts.addr instanceof IpAddress)) throw new TypeError('socks5Connect: addr must be an IpAddress');
      if (opts.host !== undefined) throw new TypeError('socks5Connect: give host or addr, not both');
      const a = opts.port === undefined ? opts.addr : opts.addr.withPort(opts.port);
      await this.dill._call('socks5_client_connect', [this.handle, user, pass, a.bytes, deadlineOf(opts)], opts, this);
    } else {
      if (typeof opts.host !== 'string') throw new TypeError('socks5Connect: host (a string) or addr (an IpAddress) is required');
      if (opts.port === undefined) throw new TypeError('socks5Connect: port is required with host');
      await this.dill._call('socks5_client_connectbyname', [this.handle, user, pass, opts.host, opts.port, deadlineOf(opts)], opts, this);
    }
  }

  /**
   * The proxy side of SOCKS5 (C's socks5_proxy_auth, then
   * socks5_proxy_recvcommandbyname or, with `resolve`,
   * socks5_proxy_recvcommand): negotiates authentication (with `auth`,
   * username/password is required and `auth` decides; without, none) and
   * reads the client's request. Answer it with {@link ByteStream.socks5Reply}.
   * `auth` runs synchronously inside the library and must not call it (see
   * `Socks5AuthFn`).
   * @throws DillError EACCES (no acceptable method, or refused
   *   credentials: the client has been told), EPROTO, ECONNRESET,
   *   ETIMEDOUT; whatever `auth` throws.
   */
  async socks5Accept(opts?: Socks5AcceptOptions): Promise<Socks5Request> {
    this.idle('socks5_proxy_auth', opts);
    await this.dill._call('socks5_proxy_auth', [this.handle, opts?.auth ?? null, deadlineOf(opts)], opts, this);
    if (opts?.resolve) {
      const a = this.dill.api.ipaddr();
      const cmd = await this.dill._call('socks5_proxy_recvcommand', [this.handle, a, deadlineOf(opts)], opts, this);
      const addr = new IpAddress(this.dill, a);
      return { command: socks5Command(cmd), host: addr.address, port: addr.port, addr };
    }
    const host = new Uint8Array(256);
    const port = new Int32Array(1);
    const cmd = await this.dill._call('socks5_proxy_recvcommandbyname', [this.handle, host, port, deadlineOf(opts)], opts, this);
    return { command: socks5Command(cmd), host: cstr(host), port: port[0], addr: null };
  }

  /**
   * Answers the request {@link ByteStream.socks5Accept} read (C's
   * socks5_proxy_sendreply): `'success'` with the address the proxy
   * connected from (`bound`; null: 0.0.0.0:0), or a failure.
   * @throws DillError EINVAL, ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async socks5Reply(reply: Socks5Reply, bound?: IpAddress | null, opts?: CallOptions): Promise<void> {
    const code = typeof reply === 'number' ? reply : SOCKS5_REPLIES.indexOf(reply);
    if (code < 0) throw new TypeError(`socks5Reply: unknown reply '${String(reply)}'`);
    if (bound != null && !(bound instanceof IpAddress)) throw new TypeError('socks5Reply: bound must be an IpAddress or null');
    await this.dill._call('socks5_proxy_sendreply', [this.handle, code, bound ? bound.bytes : null, deadlineOf(opts)], opts, this);
  }

  /**
   * Sends all of `data` (C's bsend; a string is sent as UTF-8).
   * @throws DillError EPIPE after done(), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async send(data: Uint8Array | string, opts?: CallOptions): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.dill._call('bsend', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives exactly `n` bytes (C's brecv).
   * @throws DillError EPIPE if the peer finished sending first (the bytes
   *   received are then lost, as in C), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async recv(n: number, opts?: CallOptions): Promise<Uint8Array> {
    return this.recvInto(new Uint8Array(n), opts);
  }

  /** Fills `buf` with exactly `buf.length` bytes (C's brecv) and returns it; errors as {@link ByteStream.recv}. */
  async recvInto(buf: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    this.dill._precheck('brecv', opts, this);
    let off = 0;
    if (buf.byteLength > 0 && this.ahead) {
      buf[0] = await this.takeAhead(opts);
      off = 1;
    }
    if (off < buf.byteLength || buf.byteLength === 0) {
      const rest = buf.subarray(off);
      await this.dill._call('brecv', [this.handle, rest, rest.byteLength, deadlineOf(opts)], opts, this);
    }
    return buf;
  }

  /**
   * Half-closes: tells the peer nothing more comes (C's ipc_done /
   * tcp_done). The peer's receives get EPIPE once it has read everything
   * sent before.
   * @throws DillError EPIPE if done already.
   */
  async done(opts?: CallOptions): Promise<void> {
    await this.dill._call(this.doneCall, [this.handle, deadlineOf(opts)], opts, this);
  }

  /**
   * Closes in an orderly manner (C's ipc_close / tcp_close): half-closes,
   * reads and drops what the peer still sends until its done() or close,
   * then closes. The handle is closed even when this fails. Pending calls
   * of this object are canceled first.
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async closeGracefully(opts?: CallOptions): Promise<void> {
    this.dill._precheck(this.closeCall, opts, this);
    const h = this.relinquish();
    const p = this.dill._start(this.closeCall, [h, deadlineOf(opts)], opts, null);
    // The call could not start (its coroutine is being canceled): as in C,
    // the handle is closed all the same.
    if (!p.started) this.dill.api.hclose(h);
    await p.outcome();
  }

  /**
   * The bytes received, as chunks, until the peer's done() or close (EPIPE
   * ends the iteration); other errors are thrown (once the bytes received
   * before them have been yielded).
   *
   * Chunking: C's receives are all or nothing (a receive asking for more
   * than will come loses what did come, and a receive that times out
   * leaves the socket unable to receive), so the iterator never asks for
   * more than one byte at a time. It waits for one byte, then goes on
   * taking bytes while each is there without waiting (its read completes
   * before the next microtask turn), up to `maxChunk`: a chunk is what had
   * arrived, up to that size. One library call per byte makes this suited
   * to modest rates (roughly 150-300 KB/s); for bulk data of known length use
   * {@link ByteStream.recv}.
   *
   * When it stops for lack of data, the iterator leaves one 1-byte read
   * pending; leaving the loop (break) keeps it, and the next recv/recvInto
   * or iteration starts with its byte, so nothing is lost. That read keeps
   * the iterator's deadline and signal (and a later recv's signal can also
   * cancel it). The deadline applies to the whole iteration.
   */
  async *chunks(opts?: ChunkOptions): AsyncGenerator<Uint8Array, void, undefined> {
    const max = opts?.maxChunk ?? 65536;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxChunk must be a positive integer, got ${max}`);
    for (;;) {
      let first: number;
      try {
        this.dill._precheck('brecv', opts, this);
        if (this.ahead) {
          first = await this.takeAhead(opts);
        } else {
          const r = this.readByte(opts);
          await r.call.outcome();
          first = r.buf[0];
        }
      } catch (e) {
        if (e instanceof DillError && e.code === 'EPIPE') return;
        throw e;
      }
      let buf = new Uint8Array(Math.min(max, 256));
      buf[0] = first;
      let n = 1;
      while (n < max && !this.closed && !opts?.signal?.aborted) {
        const r = this.readByte(opts);
        let settled = false;
        void r.call.raw.then(() => { settled = true; });
        await null;
        if (!settled) { this.ahead = r; break; }
        // Done at once: a byte, or an error to report after this chunk.
        if ((await r.call.raw) < 0) { this.ahead = r; break; }
        if (n === buf.length) {
          const bigger = new Uint8Array(Math.min(max, 2 * n));
          bigger.set(buf);
          buf = bigger;
        }
        buf[n++] = r.buf[0];
      }
      yield buf.slice(0, n);
    }
  }

  /** `for await (const chunk of sock)`: {@link ByteStream.chunks} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.chunks();
  }

  /**
   * `await using`: {@link ByteStream.closeGracefully} with a deadline
   * `disposeTimeout` ms away; its errors are ignored (the handle is closed
   * in every case).
   */
  override async [Symbol.asyncDispose](): Promise<void> {
    if (this.closed) return;
    try {
      await this.closeGracefully({ deadline: this.dill.now() + this.disposeTimeout });
    } catch {
      // Closed all the same.
    }
  }

  /** Starts a 1-byte brecv. */
  private readByte(opts: CallOptions | undefined): ReadAhead {
    const buf = new Uint8Array(1);
    const call = this.dill._start('brecv', [this.handle, buf, 1, deadlineOf(opts)], opts, this);
    return { call, buf };
  }

  /** The byte read ahead (its call's error if it failed); `opts.signal` can cancel it too. */
  private async takeAhead(opts: CallOptions | undefined): Promise<number> {
    const r = this.ahead!;
    this.ahead = null;
    r.call.follow(opts?.signal);
    await r.call.outcome();
    return r.buf[0];
  }
}

/**
 * A connected unix socket (C's ipc_*): a {@link ByteStream} that can also
 * pass descriptors between sockets of this program.
 */
export class IpcSocket extends ByteStream {
  /** @internal */
  protected get doneCall(): string { return 'ipc_done'; }
  /** @internal */
  protected get closeCall(): string { return 'ipc_close'; }
  /** @internal */
  _rewrap(h: number): IpcSocket { return new IpcSocket(this.dill, h); }

  /**
   * Sends descriptor `fd` (C's ipc_sendfd: one byte carrying it). Works
   * between sockets of this program; to another process it fails with
   * ENOTSUP.
   */
  async sendfd(fd: number, opts?: CallOptions): Promise<void> {
    await this.dill._call('ipc_sendfd', [this.handle, fd, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives a descriptor sent with sendfd (C's ipc_recvfd): the new
   * descriptor number, e.g. for {@link Dill.ipcFromFd}.
   * @throws DillError EPROTO if a plain byte came instead; EBUSY while a
   *   chunk iterator has a read pending.
   */
  async recvfd(opts?: CallOptions): Promise<number> {
    if (this.ahead && !this.closed) throw this.dill.error('ipc_recvfd', this.dill.api.EBUSY);
    return this.dill._call('ipc_recvfd', [this.handle, deadlineOf(opts)], opts, this);
  }
}

// ---- IP addresses, TCP and UDP ---------------------------------------------------

/**
 * Which address families a name may resolve to (C's IPADDR_* modes):
 * only IPv4, only IPv6, or both with one preferred. The default is
 * `'prefer-ipv4'`, as in C.
 */
export type IpMode = 'ipv4' | 'ipv6' | 'prefer-ipv4' | 'prefer-ipv6';

/** Options of {@link Dill.ipLocal}. */
export interface IpOptions {
  /** The families allowed (default `'prefer-ipv4'`). */
  mode?: IpMode;
}

/** Options of {@link Dill.ipRemote} and {@link Dill.ipRemotes}. */
export interface IpRemoteOptions extends CallOptions, IpOptions {}

/** Options of {@link UdpSocket.recv} and {@link UdpSocket.mrecv}. */
export interface DatagramRecvOptions extends CallOptions {
  /**
   * The largest datagram accepted, in bytes (default 65536, more than any
   * UDP payload). A longer one is dropped and the call fails with EMSGSIZE.
   */
  size?: number;
}

/** A datagram received by {@link UdpSocket.recv}. */
export interface Datagram {
  /** Its bytes. */
  data: Uint8Array;
  /** Who sent it. */
  from: IpAddress;
}

function modeOf(api: CApi, mode: IpMode | undefined): number {
  switch (mode) {
    case undefined: return 0;
    case 'ipv4': return api.IPADDR_IPV4;
    case 'ipv6': return api.IPADDR_IPV6;
    case 'prefer-ipv4': return api.IPADDR_PREF_IPV4;
    case 'prefer-ipv6': return api.IPADDR_PREF_IPV6;
    default: throw new TypeError(`mode must be 'ipv4', 'ipv6', 'prefer-ipv4' or 'prefer-ipv6', got ${String(mode)}`);
  }
}

/**
 * An IPv4 or IPv6 address with a port (C's `struct ipaddr`), immutable.
 * Made by {@link Dill.ipLocal}, {@link Dill.ipRemote}, {@link Dill.ipAddress}
 * or by the sockets (a listener's bound address, a connection's peer, a
 * datagram's sender).
 */
export class IpAddress {
  /** The library whose functions read it. */
  readonly dill: Dill;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The port (0 to 65535). */
  readonly port: number;
  /** The address alone, as C's ipaddr_str writes it: `'127.0.0.1'`, `'::1'`. */
  readonly address: string;
  private readonly raw: Uint8Array;

  /**
   * Wraps a C-faithful address (the bytes are copied).
   * @throws TypeError if `bytes` is not an IpAddr (IPADDR_SIZE bytes);
   *   DillError EINVAL if it holds no IPv4 or IPv6 address.
   */
  constructor(dill: Dill, bytes: IpAddr) {
    const api = dill.api;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength !== api.IPADDR_SIZE) {
      throw new TypeError(`IpAddress: bytes must be an IpAddr of ${api.IPADDR_SIZE} bytes`);
    }
    this.dill = dill;
    this.raw = bytes.slice();
    const fam = api.ipaddr_family(this.raw);
    if (fam < 0) throw dill.error('ipaddr_family');
    this.family = fam === api.AF_INET6 ? 6 : 4;
    this.port = api.ipaddr_port(this.raw);
    const s = api.ipaddr_str(this.raw, new Uint8Array(api.IPADDR_MAXSTRLEN));
    if (s === null) throw dill.error('ipaddr_str');
    this.address = s;
  }

  /** A copy of the C `struct ipaddr` (for the C-faithful API). */
  get bytes(): IpAddr {
    return this.raw.slice();
  }

  /** C's ipaddr_sockaddr: the `struct sockaddr_in`/`sockaddr_in6` bytes (ipaddr_len of them). */
  get sockaddr(): Uint8Array {
    return this.dill.api.ipaddr_sockaddr(this.raw)!;
  }

  /** The same address with another port (C's ipaddr_setport). */
  withPort(port: number): IpAddress {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be 0 to 65535, got ${port}`);
    const b = this.raw.slice();
    this.dill.api.ipaddr_setport(b, port);
    return new IpAddress(this.dill, b);
  }

  /** Same family, address and (unless `ignorePort`) port (C's ipaddr_equal). */
  equals(other: IpAddress, opts?: { ignorePort?: boolean }): boolean {
    if (!(other instanceof IpAddress)) return false;
    return this.dill.api.ipaddr_equal(this.raw, other.raw, opts?.ignorePort ? 1 : 0) === 1;
  }

  /** `'127.0.0.1:8080'`, `'[::1]:8080'`. */
  toString(): string {
    return this.family === 6 ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }
}

/** A listening TCP socket (C's tcp_listen), made by {@link Dill.tcpListen}. */
export class TcpListener extends Handle implements AsyncIterable<TcpSocket> {
  /** The address it listens on, with the port the system chose if 0 was asked (null if made from a descriptor). */
  readonly address: IpAddress | null;

  /**
   * Takes ownership of listener handle `handle`.
   * @param address Its local address, if known.
   */
  constructor(dill: Dill, handle: number, address: IpAddress | null = null) {
    super(dill, handle);
    this.address = address;
  }

  /** The port it listens on (-1 if unknown). */
  get port(): number {
    return this.address ? this.address.port : -1;
  }

  /**
   * Waits for and accepts the next connection (C's tcp_accept); its
   * {@link TcpSocket.remote} is the peer's address.
   * @throws DillError ETIMEDOUT, ECANCELED.
   */
  async accept(opts?: CallOptions): Promise<TcpSocket> {
    const peer = this.dill.api.ipaddr();
    const h = await this.dill._call('tcp_accept', [this.handle, peer, deadlineOf(opts)], opts, this);
    return new TcpSocket(this.dill, h, this.dill.api.ipaddr_family(peer) < 0 ? null : new IpAddress(this.dill, peer));
  }

  /**
   * The connections accepted, one by one, until the listener is closed
   * (which ends the iteration); other errors are thrown. The deadline
   * applies to the whole iteration.
   */
  connections(opts?: CallOptions): AsyncGenerator<TcpSocket, void, undefined> {
    return receiveUntil(() => this.accept(opts), () => this.closed);
  }

  /** `for await (const conn of listener)`: {@link TcpListener.connections} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<TcpSocket> {
    return this.connections();
  }
}

/** A TCP connection (C's tcp_* and bsend/brecv): see {@link ByteStream}. */
export class TcpSocket extends ByteStream {
  /** The peer's address (null if made from a descriptor). */
  readonly remote: IpAddress | null;

  /**
   * Takes ownership of TCP socket handle `handle`.
   * @param remote The peer's address, if known.
   */
  constructor(dill: Dill, handle: number, remote: IpAddress | null = null) {
    super(dill, handle);
    this.remote = remote;
  }

  /** @internal */
  protected get doneCall(): string { return 'tcp_done'; }
  /** @internal */
  protected get closeCall(): string { return 'tcp_close'; }
  /** @internal */
  _rewrap(h: number): TcpSocket { return new TcpSocket(this.dill, h, this.remote); }
}

/**
 * A UDP socket (C's udp_*, and msend/mrecv): datagrams, each received whole
 * or not at all. Made by {@link Dill.udpOpen}.
 */
export class UdpSocket extends Handle implements AsyncIterable<Datagram> {
  /** The local address, with the port chosen if 0 was asked (null if none was given). */
  readonly local: IpAddress | null;
  /** The default destination, and the only sender accepted (null for none). */
  readonly remote: IpAddress | null;

  /** @internal */
  constructor(dill: Dill, handle: number, local: IpAddress | null, remote: IpAddress | null) {
    super(dill, handle);
    this.local = local;
    this.remote = remote;
  }

  /**
   * Sends `data` as one datagram to `to`, or to the socket's remote address
   * if `to` is null (C's udp_send; a string is sent as UTF-8). It never
   * waits: a datagram there is no room for is dropped, as UDP allows.
   * @throws DillError EINVAL (null `to` and no remote address), EMSGSIZE
   *   (more than a datagram holds).
   */
  send(to: IpAddress | null, data: Uint8Array | string): void {
    this.dill._precheck('udp_send', undefined, this);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (to !== null && !(to instanceof IpAddress)) throw new TypeError('UdpSocket.send: to must be an IpAddress or null');
    if (this.dill.api.udp_send(this.handle, to ? to.bytes : null, buf, buf.byteLength) < 0) throw this.dill.error('udp_send');
  }

  /**
   * Receives the next datagram and its sender (C's udp_recv). A socket
   * with a remote address only takes datagrams from it.
   * @throws DillError EMSGSIZE (longer than `opts.size`: dropped),
   *   ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: DatagramRecvOptions): Promise<Datagram> {
    const buf = new Uint8Array(sizeOf(opts));
    const from = this.dill.api.ipaddr();
    const n = await this.dill._call('udp_recv', [this.handle, from, buf, buf.byteLength, deadlineOf(opts)], opts, this);
    return { data: buf.slice(0, n), from: new IpAddress(this.dill, from) };
  }

  /**
   * Sends `data` to the remote address (C's msend: the socket as a message
   * socket).
   * @throws DillError EINVAL if the socket has no remote address, EMSGSIZE.
   */
  async msend(data: Uint8Array | string, opts?: CallOptions): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.dill._call('msend', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next datagram (C's mrecv), without its sender.
   * @throws DillError as {@link UdpSocket.recv}.
   */
  async mrecv(opts?: DatagramRecvOptions): Promise<Uint8Array> {
    const buf = new Uint8Array(sizeOf(opts));
    const n = await this.dill._call('mrecv', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
    return buf.slice(0, n);
  }

  /**
   * The datagrams received, until the socket is closed (which ends the
   * iteration); other errors (EMSGSIZE...) are thrown. The deadline applies
   * to the whole iteration.
   */
  datagrams(opts?: DatagramRecvOptions): AsyncGenerator<Datagram, void, undefined> {
    return receiveUntil(() => this.recv(opts), () => this.closed);
  }

  /** `for await (const { data, from } of sock)`: {@link UdpSocket.datagrams} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Datagram> {
    return this.datagrams();
  }
}

function sizeOf(opts: DatagramRecvOptions | undefined): number {
  const size = opts?.size ?? 65536;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a length in bytes, got ${size}`);
  return size;
}

// ---- protocols -------------------------------------------------------------------

/** The text of NUL-terminated bytes, as UTF-8. */
function cstr(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.buffer, b.byteOffset, end < 0 ? b.byteLength : end).toString('utf8');
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function isEpipe(e: unknown): boolean {
  return e instanceof DillError && e.code === 'EPIPE';
}

/**
 * The values of `next()`, call after call, for the iterators of the
 * sockets and channels: `next` is first called when the first value is
 * asked for; an error for which `ends(e)` is true (EPIPE, or the object
 * having been closed) ends the iteration, other errors are thrown.
 */
async function* receiveUntil<T>(next: () => Promise<T>, ends: (e: unknown) => boolean): AsyncGenerator<T, void, undefined> {
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

/** Options of a message receive. */
export interface MessageRecvOptions extends CallOptions {
  /**
   * The largest message accepted, in bytes (default: the socket's
   * {@link MessageSocket.maxMessageSize}). A longer one fails with
   * EMSGSIZE and, as in C, leaves the socket unable to receive.
   */
  size?: number;
}

/**
 * Receive buffers of one socket (not zeroed: only what C wrote is
 * returned). One is kept between calls, so that a socket receiving message
 * after message does not allocate `size` bytes each time; a call made while
 * another holds it gets a fresh one.
 */
class RecvBuffers {
  private kept: Uint8Array | null = null;

  take(size: number): Uint8Array {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a length in bytes, got ${size}`);
    const b = this.kept;
    if (b && b.byteLength === size) {
      this.kept = null;
      return b;
    }
    return Buffer.allocUnsafe(size);
  }

  give(b: Uint8Array): void {
    this.kept = b;
  }
}

/**
 * A message socket made by a protocol (C's msend/mrecv): each message is
 * received whole. {@link PrefixSocket}, {@link SuffixSocket} and
 * {@link TermSocket} are ones.
 */
export abstract class MessageSocket extends Handle implements AsyncIterable<Uint8Array> {
  /** The default largest message {@link MessageSocket.recv} accepts (65536). */
  maxMessageSize = 65536;
  private readonly rbufs = new RecvBuffers();

  /**
   * An object of this socket's class for handle `h`: the socket TERM's
   * detach gives back.
   * @internal
   */
  abstract _rewrap(h: number): MessageSocket;

  /**
   * Sends `data` as one message (C's msend; a string is sent as UTF-8).
   * @throws DillError EPIPE after done(), EMSGSIZE (too long for the
   *   protocol), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async send(data: Uint8Array | string, opts?: CallOptions): Promise<void> {
    const buf = bytesOf(data);
    await this.dill._call('msend', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next message (C's mrecv).
   * @throws DillError EPIPE once the peer has finished (its terminal
   *   handshake), EMSGSIZE (longer than `opts.size`), EPROTO (malformed),
   *   ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: MessageRecvOptions): Promise<Uint8Array> {
    const buf = this.rbufs.take(opts?.size ?? this.maxMessageSize);
    try {
      const n = await this.dill._call('mrecv', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
      return new Uint8Array(buf.subarray(0, n));
    } finally {
      this.rbufs.give(buf);
    }
  }

  /**
   * The messages received, until the peer has finished (EPIPE ends the
   * iteration); other errors are thrown. The deadline applies to the whole
   * iteration.
   */
  messages(opts?: MessageRecvOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return receiveUntil(() => this.recv(opts), isEpipe);
  }

  /** `for await (const msg of sock)`: {@link MessageSocket.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.messages();
  }

  /**
   * Attaches TERM (C's term_attach): a terminal handshake with message
   * `terminal` (a string is taken as UTF-8), sent by {@link TermSocket.done}
   * and recognised from the peer (its receives then fail with EPIPE). This
   * object is closed; {@link TermSocket.detach} gives the socket back. If
   * attaching fails, the socket is closed too (as in C).
   */
  attachTerm(terminal: Uint8Array | string): TermSocket<this> {
    const buf = bytesOf(terminal);
    this.dill._precheck('term_attach', undefined, this);
    const h = attachOrClose(this, () => this.dill._sync('term_attach', [this.handle, buf, buf.byteLength]));
    return new TermSocket(this.dill, h, buf.slice(), (u) => this._rewrap(u) as this);
  }
}

/**
 * PREFIX (C's prefix_*): messages each preceded by their size, over a
 * bytestream. Made by {@link ByteStream.attachPrefix}.
 */
export class PrefixSocket<L extends ByteStream = ByteStream> extends MessageSocket {
  /** The size of the header, in bytes. */
  readonly hdrlen: number;
  /** Whether the header is little-endian. */
  readonly littleEndian: boolean;
  private readonly lower: (h: number) => L;

  /** @internal */
  constructor(dill: Dill, handle: number, hdrlen: number, littleEndian: boolean, lower: (h: number) => L) {
    super(dill, handle);
    this.hdrlen = hdrlen;
    this.littleEndian = littleEndian;
    this.lower = lower;
    // The largest size a header can carry.
    if (hdrlen < 3) this.maxMessageSize = 256 ** hdrlen - 1;
  }

  /** @internal */
  _rewrap(h: number): PrefixSocket<L> {
    return new PrefixSocket(this.dill, h, this.hdrlen, this.littleEndian, this.lower);
  }

  /**
   * Ends the protocol (C's prefix_detach): gives the bytestream back at
   * once, sending and reading nothing, positioned after the last message
   * sent and received (messages not received yet stay in it). This object
   * is closed even if it fails (and so, as in C, is the socket): after a
   * failed send or receive (ECONNRESET) or while a call runs (EBUSY).
   * @throws DillError ECONNRESET, EBUSY.
   */
  async detach(opts?: { signal?: AbortSignal }): Promise<L> {
    return this.lower(await this.terminate('prefix_detach', [], opts));
  }
}

/**
 * SUFFIX (C's suffix_*): messages each followed by a delimiter, over a
 * bytestream. Made by {@link ByteStream.attachSuffix}.
 */
export class SuffixSocket<L extends ByteStream = ByteStream> extends MessageSocket {
  /** The delimiter. */
  readonly suffix: Uint8Array;
  private readonly lower: (h: number) => L;

  /** @internal */
  constructor(dill: Dill, handle: number, suffix: Uint8Array, lower: (h: number) => L) {
    super(dill, handle);
    this.suffix = suffix;
    this.lower = lower;
  }

  /** @internal */
  _rewrap(h: number): SuffixSocket<L> {
    return new SuffixSocket(this.dill, h, this.suffix, this.lower);
  }

  /**
   * Ends the protocol (C's suffix_detach) and gives the bytestream back.
   * This object is closed even if it fails (and so, as in C, is the
   * socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: CallOptions): Promise<L> {
    return this.lower(await this.terminate('suffix_detach', [deadlineOf(opts)], opts));
  }
}

/**
 * TERM (C's term_*): a terminal handshake over a message socket. Made by
 * {@link MessageSocket.attachTerm}.
 */
export class TermSocket<L extends MessageSocket = MessageSocket> extends MessageSocket {
  /** The terminal message. */
  readonly terminal: Uint8Array;
  private readonly lower: (h: number) => L;

  /** @internal */
  constructor(dill: Dill, handle: number, terminal: Uint8Array, lower: (h: number) => L) {
    super(dill, handle);
    this.terminal = terminal;
    this.lower = lower;
  }

  /** @internal */
  _rewrap(h: number): TermSocket<L> {
    return new TermSocket(this.dill, h, this.terminal, this.lower);
  }

  /**
   * Sends the terminal message (C's term_done): nothing more can be sent,
   * the peer's messages can still be received.
   * @throws DillError EPIPE if done already, ETIMEDOUT, ECANCELED.
   */
  async done(opts?: CallOptions): Promise<void> {
    await this.dill._call('term_done', [this.handle, deadlineOf(opts)], opts, this);
  }

  /**
   * Ends the protocol (C's term_detach): sends the terminal message if
   * done() did not, drops the peer's messages until its terminal message,
   * and gives the message socket back. This object is closed even if it
   * fails (and so, as in C, is the socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: CallOptions): Promise<L> {
    return this.lower(await this.terminate('term_detach', [deadlineOf(opts)], opts));
  }
}

/** A request line received by {@link HttpSocket.recvRequest}. */
export interface HttpRequest {
  /** The method, e.g. `'GET'`. */
  command: string;
  /** The target, e.g. `'/index.html'`. */
  resource: string;
}

/** A status line received by {@link HttpSocket.recvStatus}. */
export interface HttpStatus {
  /** The status code, e.g. 200. */
  status: number;
  /** The reason phrase, e.g. `'OK'`. */
  reason: string;
}

/** A header field received by {@link HttpSocket.recvField}. */
export interface HttpField {
  name: string;
  value: string;
}

/** Room for one received element of an HTTP head (more than a line holds). */
const HTTP_ROOM = 8192;

/**
 * HTTP/1.x request and response heads (C's http_*), over a bytestream.
 * Made by {@link ByteStream.attachHttp}; the body, if any, is read or
 * written on the socket {@link HttpSocket.detach} gives back. Texts are
 * sent and received as UTF-8.
 */
export class HttpSocket<L extends ByteStream = ByteStream> extends Handle {
  private readonly lower: (h: number) => L;

  /** @internal */
  constructor(dill: Dill, handle: number, lower: (h: number) => L) {
    super(dill, handle);
    this.lower = lower;
  }

  /**
   * Sends the request line `command resource HTTP/1.1` (C's
   * http_sendrequest).
   * @throws DillError EINVAL (not a method token, or a resource with spaces
   *   or control characters), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendRequest(command: string, resource: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendrequest', [this.handle, command, resource, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the request line (C's http_recvrequest).
   * @throws DillError EPROTO (malformed), EMSGSIZE (a line too long),
   *   EPIPE (the peer closed; ECONNRESET after), ETIMEDOUT, ECANCELED.
   */
  async recvRequest(opts?: CallOptions): Promise<HttpRequest> {
    const command = new Uint8Array(HTTP_ROOM);
    const resource = new Uint8Array(HTTP_ROOM);
    await this.dill._call('http_recvrequest', [this.handle, command, HTTP_ROOM, resource, HTTP_ROOM, deadlineOf(opts)], opts, this);
    return { command: cstr(command), resource: cstr(resource) };
  }

  /**
   * Sends the status line `HTTP/1.1 status reason` (C's http_sendstatus).
   * @throws DillError EINVAL (status not 100-599, control characters in
   *   the reason), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendStatus(status: number, reason: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendstatus', [this.handle, status, reason, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the status line (C's http_recvstatus).
   * @throws DillError as {@link HttpSocket.recvRequest}.
   */
  async recvStatus(opts?: CallOptions): Promise<HttpStatus> {
    const reason = new Uint8Array(HTTP_ROOM);
    const status = await this.dill._call('http_recvstatus', [this.handle, reason, HTTP_ROOM, deadlineOf(opts)], opts, this);
    return { status, reason: cstr(reason) };
  }

  /**
   * Sends a header field `name: value` (C's http_sendfield), the value
   * without its leading and trailing spaces. Each line is written when it
   * is sent.
   * @throws DillError EINVAL (a bad name, control characters in the
   *   value), EPROTO (an empty value), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendField(name: string, value: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendfield', [this.handle, name, value, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next header field (C's http_recvfield), or null at the
   * blank line that ends them (C's EPIPE; also the peer's end, as
   * upstream's: ECONNRESET after). Each call reads a line: call it no more
   * after null.
   * @throws DillError EPROTO (malformed), EMSGSIZE, ECONNRESET, ETIMEDOUT,
   *   ECANCELED.
   */
  async recvField(opts?: CallOptions): Promise<HttpField | null> {
    const name = new Uint8Array(HTTP_ROOM);
    const value = new Uint8Array(HTTP_ROOM);
    try {
      await this.dill._call('http_recvfield', [this.handle, name, HTTP_ROOM, value, HTTP_ROOM, deadlineOf(opts)], opts, this);
    } catch (e) {
      if (isEpipe(e)) return null;
      throw e;
    }
    return { name: cstr(name), value: cstr(value) };
  }

  /**
   * The header fields received, until the blank line that ends them. The
   * deadline applies to the whole iteration.
   */
  async *fields(opts?: CallOptions): AsyncGenerator<HttpField, void, undefined> {
    for (;;) {
      const f = await this.recvField(opts);
      if (f === null) return;
      yield f;
    }
  }

  /**
   * Ends the head being sent: the blank line (C's http_done), sent once
   * per connection, as upstream's. A client must call it before the
   * server answers.
   * @throws DillError EPIPE if done already, ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async done(opts?: CallOptions): Promise<void> {
    await this.dill._call('http_done', [this.handle, deadlineOf(opts)], opts, this);
  }

  /**
   * Ends the protocol (C's http_detach): ends our head if done() did not,
   * drops the rest of the peer's head if no blank line came from it yet,
   * and gives the bytestream back,
   * positioned at the body. This object is closed even if it fails (and
   * so, as in C, is the socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: CallOptions): Promise<L> {
    return this.lower(await this.terminate('http_detach', [deadlineOf(opts)], opts));
  }
}

/**
 * TLS (C's tls_*) over a bytestream: a {@link ByteStream} itself. Made by
 * {@link ByteStream.attachTlsClient} and {@link ByteStream.attachTlsServer}.
 * done() sends close_notify (the peer's receives end after the data);
 * closeGracefully() is detach() then the socket's own orderly close.
 */
export class TlsSocket<L extends ByteStream = ByteStream> extends ByteStream {
  private readonly lower: (h: number) => L;

  /** @internal */
  constructor(dill: Dill, handle: number, lower: (h: number) => L) {
    super(dill, handle);
    this.lower = lower;
  }

  /** @internal */
  protected get doneCall(): string { return 'tls_done'; }
  /** @internal */
  protected get closeCall(): string { return 'tls_detach'; }
  /** @internal */
  _rewrap(h: number): TlsSocket<L> { return new TlsSocket(this.dill, h, this.lower); }

  /**
   * Ends TLS (C's tls_detach): sends close_notify if done() did not, drops
   * what the peer still sends until its close_notify, and gives the socket
   * below back, positioned right after it. This object is closed even if
   * it fails (and so, as in C, is the socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: CallOptions): Promise<L> {
    return this.lower(await this.terminate('tls_detach', [deadlineOf(opts)], opts));
  }

  /** detach(), then the socket's own closeGracefully(), within the same deadline. */
  override async closeGracefully(opts?: CallOptions): Promise<void> {
    const lower = await this.detach(opts);
    await lower.closeGracefully(opts);
  }
}

/** Options of {@link ByteStream.attachWsClient}. */
export interface WsClientOptions extends CallOptions {
  /** The resource asked for (default `'/'`). */
  resource?: string;
  /** The Host field (default `'localhost'`). */
  host?: string;
  /** A text socket (msend/mrecv send and expect text messages). */
  text?: boolean;
  /** Skip the HTTP handshake (done by hand before). */
  noHttp?: boolean;
}

/** Options of {@link ByteStream.attachWsServer}. */
export interface WsServerOptions extends CallOptions {
  /** A text socket. */
  text?: boolean;
  /** Skip the HTTP handshake (done by hand before). */
  noHttp?: boolean;
  /** Room for the resource and host received, in bytes (default 4096). */
  maxLength?: number;
}

/** Options of {@link WebSocket.done}, {@link WebSocket.detach} and {@link WebSocket.closeGracefully}. */
export interface WsCloseOptions extends CallOptions {
  /** The status code sent (default 1000, normal closure; 0 sends none). */
  status?: number;
  /** The reason sent (up to 123 bytes of UTF-8). */
  reason?: string | Uint8Array;
}

/** What {@link ByteStream.attachWsServer} gives. */
export interface WsAccepted<L extends ByteStream = ByteStream> {
  /** The WebSocket. */
  socket: WebSocket<L>;
  /** The resource the client asked for (null with `noHttp`). */
  resource: string | null;
  /** The Host field the client sent (null with `noHttp`). */
  host: string | null;
}

/** A WebSocket message. */
export interface WsMessage {
  /** Its bytes (UTF-8 for a text message). */
  data: Uint8Array;
  /** True for a text message, false for a binary one. */
  text: boolean;
}

/** The status and reason the peer closed with (status 0: it sent none). */
export interface WsStatus {
  status: number;
  reason: string;
}

/**
 * WebSocket (C's ws_*, RFC 6455): messages, text or binary, over a
 * bytestream. Made by {@link ByteStream.attachWsClient} and
 * {@link ByteStream.attachWsServer}.
 */
export class WebSocket<L extends ByteStream = ByteStream> extends Handle implements AsyncIterable<WsMessage> {
  /** True for a text socket (the type of plain msend/mrecv messages). */
  readonly text: boolean;
  /** The default largest message {@link WebSocket.recv} accepts (65536). */
  maxMessageSize = 65536;
  private readonly lower: (h: number) => L;
  private readonly rbufs = new RecvBuffers();

  /** @internal */
  constructor(dill: Dill, handle: number, text: boolean, lower: (h: number) => L) {
    super(dill, handle);
    this.text = text;
    this.lower = lower;
  }

  /**
   * Sends one message (C's ws_send): a string as a text message, bytes as
   * a binary one.
   * @throws DillError EPIPE after done(), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async send(data: Uint8Array | string, opts?: CallOptions): Promise<void> {
    const api = this.dill.api;
    const buf = bytesOf(data);
    const flags = typeof data === 'string' ? api.WS_TEXT : api.WS_BINARY;
    await this.dill._call('ws_send', [this.handle, flags, buf, buf.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next message, whole (C's ws_recv; fragments are
   * reassembled, pings answered).
   * @throws DillError EPIPE once the peer closed ({@link WebSocket.status}
   *   tells with what), EMSGSIZE (longer than `opts.size`), EPROTO (a
   *   protocol violation), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: MessageRecvOptions): Promise<WsMessage> {
    const buf = this.rbufs.take(opts?.size ?? this.maxMessageSize);
    const flags = new Int32Array(1);
    try {
      const n = await this.dill._call('ws_recv', [this.handle, flags, buf, buf.byteLength, deadlineOf(opts)], opts, this);
      return { data: new Uint8Array(buf.subarray(0, n)), text: (flags[0] & this.dill.api.WS_TEXT) !== 0 };
    } finally {
      this.rbufs.give(buf);
    }
  }

  /**
   * The messages received, until the peer closes (EPIPE ends the
   * iteration); other errors are thrown. The deadline applies to the whole
   * iteration.
   */
  messages(opts?: MessageRecvOptions): AsyncGenerator<WsMessage, void, undefined> {
    return receiveUntil(() => this.recv(opts), isEpipe);
  }

  /** `for await (const { data, text } of ws)`: {@link WebSocket.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<WsMessage> {
    return this.messages();
  }

  /**
   * Sends the close frame (C's ws_done) with `status` and `reason`: nothing
   * more can be sent; the peer's messages can still be received until its
   * own close (EPIPE).
   * @throws DillError EPIPE if done already, EINVAL (reason too long),
   *   ETIMEDOUT, ECANCELED.
   */
  async done(opts?: WsCloseOptions): Promise<void> {
    await this.dill._call('ws_done', [this.handle, ...closeArgs(opts)], opts, this);
  }

  /**
   * The status and reason the peer closed with (C's ws_status).
   * @throws DillError EAGAIN if the peer has not closed yet.
   */
  status(): WsStatus {
    this.dill._precheck('ws_status', undefined, this);
    const st = new Int32Array(1);
    const buf = new Uint8Array(125);
    const n = this.dill._sync('ws_status', [this.handle, st, buf, buf.byteLength]);
    return { status: st[0], reason: Buffer.from(buf.subarray(0, n)).toString('utf8') };
  }

  /**
   * Closes in an orderly manner: sends the close frame (unless done()
   * did), drops the peer's messages until its close frame, and closes the
   * socket (and the one beneath). Gives the status and reason the peer
   * closed with. The handle is closed even when this fails.
   * @throws DillError ECONNRESET, EMSGSIZE (a message longer than
   *   maxMessageSize), ETIMEDOUT, ECANCELED.
   */
  async closeGracefully(opts?: WsCloseOptions): Promise<WsStatus> {
    try {
      try {
        await this.done(opts);
      } catch (e) {
        if (!isEpipe(e)) throw e;
      }
      for await (const _ of this.messages(opts)) { /* dropped */ }
      return this.status();
    } finally {
      this.close();
    }
  }

  /**
   * Ends the protocol (C's ws_detach): the close handshake (with `status`
   * and `reason`), then gives the bytestream back. This object is closed
   * even if it fails (and so, as in C, is the socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: WsCloseOptions): Promise<L> {
    return this.lower(await this.terminate('ws_detach', closeArgs(opts), opts));
  }
}

/** [status, buf, len, deadline] of ws_done / ws_detach. */
function closeArgs(opts: WsCloseOptions | undefined): unknown[] {
  const reason = opts?.reason === undefined ? null : bytesOf(opts.reason);
  return [opts?.status ?? 1000, reason, reason ? reason.byteLength : 0, deadlineOf(opts)];
}

/** SOCKS5 commands (RFC 1928). */
export type Socks5Command = 'connect' | 'bind' | 'udp-associate';

const SOCKS5_COMMANDS: readonly (Socks5Command | null)[] = [null, 'connect', 'bind', 'udp-associate'];

function socks5Command(cmd: number): Socks5Command {
  const c = SOCKS5_COMMANDS[cmd];
  if (!c) throw new Error(`socks5: unknown command ${cmd}`);
  return c;
}

/** SOCKS5 replies (RFC 1928), in the order of their codes 0-8; or the code. */
export type Socks5Reply = 'success' | 'general-failure' | 'connection-not-allowed' | 'network-unreachable'
  | 'host-unreachable' | 'connection-refused' | 'ttl-expired' | 'command-not-supported'
  | 'address-type-not-supported' | number;

const SOCKS5_REPLIES: readonly string[] = ['success', 'general-failure', 'connection-not-allowed',
  'network-unreachable', 'host-unreachable', 'connection-refused', 'ttl-expired', 'command-not-supported',
  'address-type-not-supported'];

/** Options of {@link ByteStream.socks5Connect}. */
export interface Socks5ConnectOptions extends CallOptions {
  /** Username and password (RFC 1929), each up to 255 bytes; offered only when both are given. */
  username?: string;
  password?: string;
  /** A host name (or address literal) for the proxy to resolve; or give `addr`. */
  host?: string;
  /** An address to connect to; or give `host`. */
  addr?: IpAddress;
  /** The port (required with `host`; with `addr`, replaces its port). */
  port?: number;
}

/** Options of {@link ByteStream.socks5Accept}. */
export interface Socks5AcceptOptions extends CallOptions {
  /**
   * Decides on the client's username and password (required of it when
   * given). It runs synchronously inside the library: it must not call the
   * library (such calls throw); if it throws, the client is refused and
   * socks5Accept throws that.
   */
  auth?: ((username: string, password: string) => boolean) | null;
  /** Resolve a host name the client sent (and give `addr`). */
  resolve?: boolean;
}

/** The request a SOCKS5 client made (see {@link ByteStream.socks5Accept}). */
export interface Socks5Request {
  command: Socks5Command;
  /** The host name or address literal asked for. */
  host: string;
  port: number;
  /** The address (with `resolve`; null otherwise). */
  addr: IpAddress | null;
}

// ---- sockets written in TypeScript ------------------------------------------------

/** What the functions of a socket written in TypeScript get: pass them on to the calls they make. */
export interface LayerCallOptions {
  /** The caller's deadline (ms on the {@link Dill.now} clock; -1: none). */
  deadline: number;
  /** Aborts when the caller gives up (its deadline passed, it was canceled). */
  signal: AbortSignal;
}

/** A bytestream written in TypeScript: see {@link Dill.byteStream}. */
export interface ByteStreamImpl {
  /** Sends all of `data` (what bsend/bsendl were given, in one buffer). */
  send(data: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /** Fills all of `buf` (brecv/brecvl's buffers, skipped bytes included). */
  recv(buf: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /** Half-closes ({@link CustomByteStream.done}); without it done() fails with ENOTSUP. */
  done?(opts: LayerCallOptions): void | Promise<void>;
  /** Releases what it holds (hclose of its handle: once). */
  close(): void;
  /** Answers {@link Handle.query} for types of your own (null: ENOTSUP). It must not call the library. */
  query?(type: unknown): unknown;
}

/** A message socket written in TypeScript: see {@link Dill.messageSocket}. */
export interface MessageSocketImpl {
  /** Sends `msg` as one message. */
  send(msg: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /**
   * The next message. `maxSize` is the room of the caller's buffers: a
   * longer message fails the caller's receive with EMSGSIZE (throw that
   * yourself to keep the message).
   */
  recv(opts: LayerCallOptions & { maxSize: number }): Uint8Array | Promise<Uint8Array>;
  /** Releases what it holds (hclose of its handle: once). */
  close(): void;
  /** Answers {@link Handle.query} for types of your own (null: ENOTSUP). It must not call the library. */
  query?(type: unknown): unknown;
}

/** The bytes of an iolist being sent, in one buffer. */
function gather(iol: ImplIoVec[]): Uint8Array {
  if (iol.length === 1 && iol[0] instanceof Uint8Array) return iol[0];
  return Buffer.concat(iol.map((v) => (v instanceof Uint8Array ? v : new Uint8Array(v.len))));
}

/** The room of an iolist being received into. */
function roomOf(iol: ImplIoVec[]): number {
  let n = 0;
  for (const v of iol) n += v instanceof Uint8Array ? v.byteLength : v.len;
  return n;
}

/** Copies `data` into an iolist being received into, in order (skipped elements drop their bytes). */
function scatter(iol: ImplIoVec[], data: Uint8Array): void {
  let off = 0;
  for (const v of iol) {
    if (off >= data.byteLength) break;
    if (v instanceof Uint8Array) v.set(data.subarray(off, off + v.byteLength));
    off += v instanceof Uint8Array ? v.byteLength : v.len;
  }
}

/** The C bytestream interface of `impl`. */
function bsockOf(impl: ByteStreamImpl): BsockVfs {
  return {
    async bsendl(iol, deadline, signal) {
      await impl.send(gather(iol), { deadline, signal });
      return 0;
    },
    async brecvl(iol, deadline, signal) {
      if (iol.length === 1 && iol[0] instanceof Uint8Array) {
        await impl.recv(iol[0], { deadline, signal });
        return 0;
      }
      const buf = new Uint8Array(roomOf(iol));
      await impl.recv(buf, { deadline, signal });
      scatter(iol, buf);
      return 0;
    },
  };
}

/** The C message interface of `impl`. */
function msockOf(impl: MessageSocketImpl): MsockVfs {
  return {
    async msendl(iol, deadline, signal) {
      await impl.send(gather(iol), { deadline, signal });
      return 0;
    },
    async mrecvl(iol, deadline, signal) {
      const msg = await impl.recv({ deadline, signal, maxSize: roomOf(iol) });
      if (!(msg instanceof Uint8Array)) throw new TypeError(`a message socket's recv must return a Uint8Array, got ${typeof msg}`);
      // Longer than the room: the library answers EMSGSIZE.
      scatter(iol, msg);
      return msg.byteLength;
    },
  };
}

/** The options a TypeScript socket's function gets for a call made with `opts`. */
function layerOpts(opts: CallOptions | undefined): LayerCallOptions {
  return { deadline: deadlineOf(opts), signal: opts?.signal ?? new AbortController().signal };
}

/**
 * A bytestream socket written in TypeScript ({@link Dill.byteStream}): a
 * {@link ByteStream} like the others, whose done() is its implementation's.
 */
export class CustomByteStream extends ByteStream {
  /** What it runs. */
  readonly impl: ByteStreamImpl;

  /** @internal */
  constructor(dill: Dill, handle: number, impl: ByteStreamImpl) {
    super(dill, handle);
    this.impl = impl;
  }

  /** @internal */
  protected get doneCall(): string { return 'done'; }
  /** @internal */
  protected get closeCall(): string { return 'close'; }
  /** @internal */
  _rewrap(h: number): CustomByteStream { return new CustomByteStream(this.dill, h, this.impl); }

  /**
   * Half-closes: the implementation's done().
   * @throws DillError ENOTSUP if it has none; what it throws.
   */
  override async done(opts?: CallOptions): Promise<void> {
    this.dill._precheck('done', opts, this);
    if (!this.impl.done) throw this.dill.error('done', this.dill.api.ENOTSUP);
    await this.impl.done(layerOpts(opts));
  }

  /**
   * Runs the implementation's done() (if it has one), then closes; the
   * handle is closed even when done() fails.
   */
  override async closeGracefully(opts?: CallOptions): Promise<void> {
    this.dill._precheck('close', opts, this);
    const h = this.relinquish();
    try {
      if (this.impl.done) await this.impl.done(layerOpts(opts));
    } finally {
      this.dill.api.hclose(h);
    }
  }
}

/** A message socket written in TypeScript ({@link Dill.messageSocket}). */
export class CustomMessageSocket extends MessageSocket {
  /** What it runs. */
  readonly impl: MessageSocketImpl;

  /** @internal */
  constructor(dill: Dill, handle: number, impl: MessageSocketImpl) {
    super(dill, handle);
    this.impl = impl;
  }

  /** @internal */
  _rewrap(h: number): CustomMessageSocket { return new CustomMessageSocket(this.dill, h, this.impl); }
}
