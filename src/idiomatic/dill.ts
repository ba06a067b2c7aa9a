/**
 * {@link Dill}: one library instance, idiomatically. It makes the handle
 * objects (coroutines, channels, sockets) and runs the library calls
 * (`_call`, `_start`...) that they make.
 */
import { CApi, Ctx, Host, callDesc, hostOf } from '../host';
import type { FlowControl } from '../host';
import { load } from '../load';
import type { IpAddr } from '../types';
import { CallOptions, Pending, deadlineOf, deferred } from './calls';
import { cstr } from './bytes';
import { DillError, errnoNames } from './errors';
import type { Handle } from './handle';
import { Bundle, Channel, Coroutine, CoroutineContext, CoroutineSignal } from './coroutines';
import { CheckedClauses, ChooseClause, ChooseResult, ValueChannel, chooseClauses, valueChannelPair } from './values';
import { IpcListener, IpcSocket } from './ipc';
import { IpAddress, IpOptions, IpRemoteOptions, modeOf } from './ip';
import { TcpListener, TcpSocket } from './tcp';
import { UdpSocket } from './udp';
import { ByteStreamImpl, CustomByteStream, CustomMessageSocket, MessageSocketImpl, bsockOf, hmakeOf, msockOf } from './custom';
// The sockets that other sockets make but cannot import (see useTlsSocketClass
// and useTermSocketClass): loaded with the object every handle object needs.
import './tls';
import './term';

/** _recvChunk's result until the bytes came. */
const EMPTY_CHUNK = new Uint8Array(0);
/** The call behind recvSome. */
const RECV_SOME = 'dillwasm_brecvsome';
const RECV_SOME_DESC = callDesc(RECV_SOME);

/**
 * One library instance, idiomatically: makes the handle objects and runs
 * coroutines. Made from the C-faithful API (`new Dill(await load())`) or with
 * {@link Dill.load}; both layers can be used side by side (`d.api`).
 */
export class Dill {
  /** The C-faithful API this object is made from. */
  readonly api: CApi;
  private readonly host: Host;
  private readonly names: Map<number, string>;

  /** Loads a new library instance (as `load()` does) and wraps it. */
  static async load(): Promise<Dill> {
    return new Dill(await load());
  }

  /** @param api An API object made by `load()`. */
  constructor(api: CApi) {
    this.api = api;
    this.host = hostOf(api);
    this.names = errnoNames(api.errnos);
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

  /**
   * Sleeps (C's msleep). `deadline` is ABSOLUTE, as in C: a time on the
   * {@link Dill.now} clock (`d.sleep(d.now() + 100)`); `d.sleep(100)`
   * returns at once, 100 being long past. For a relative wait, pass
   * `{ timeout }` in ms: `d.sleep({ timeout: 100 })` (with both, the earlier
   * applies). Aborting `signal` rejects with its reason; closing the
   * coroutine it runs in rejects with ECANCELED.
   * @throws TypeError for an invalid timeout (not a number >= 0).
   */
  async sleep(deadline: number, opts?: { signal?: AbortSignal; timeout?: number }): Promise<void>;
  async sleep(opts: { timeout?: number; deadline?: number; signal?: AbortSignal }): Promise<void>;
  async sleep(
    a: number | { timeout?: number; deadline?: number; signal?: AbortSignal },
    b?: { signal?: AbortSignal; timeout?: number },
  ): Promise<void> {
    const opts: CallOptions = typeof a === 'number' ? { ...b, deadline: a } : { ...a };
    const deadline = deadlineOf(opts);
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
   * {@link Coroutine.result}. `fn` is given `{ signal }`, an AbortSignal
   * that aborts when the coroutine is closed while it runs (reason: a
   * DillError ECANCELED), for fetch, timers and Node streams.
   */
  go<T>(fn: (ctx: CoroutineContext) => T | PromiseLike<T>): Coroutine<T> {
    const r = deferred<T>();
    const sig = new CoroutineSignal(this);
    const h = this.api.go(async () => {
      try { r.resolve(await fn({ signal: sig.signal })); } catch (e) { r.reject(e); }
      sig.finish();
    });
    if (h < 0) throw this.error('go');
    return new Coroutine(this, h, r.promise, sig);
  }

  /** A new empty {@link Bundle} (C's bundle). */
  bundle(): Bundle {
    const h = this.api.bundle();
    if (h < 0) throw this.error('bundle');
    return new Bundle(this, h);
  }

  /**
   * A new channel of JavaScript values (C's chmake): its two ends. A value
   * sent on one end is received on the other as the very same value (by
   * reference: nothing is copied or serialised); see {@link ValueChannel}.
   */
  channel<T = unknown>(): [ValueChannel<T>, ValueChannel<T>];
  /**
   * A new channel of bytes (C's chmake): its two ends. A message sent on one
   * end is received on the other; sender and receiver must agree on its size
   * (else both fail with EMSGSIZE). `messageSize` (required: `d.channel({})`
   * does not compile) is the default size of {@link Channel.recv} and of
   * iteration; `recv({ size })` may ask for another.
   * @throws TypeError if `messageSize` is not a byte count (0 included).
   */
  channel(opts: { messageSize: number }): [Channel, Channel];
  channel<T>(opts?: { messageSize: number }): [ValueChannel<T>, ValueChannel<T>] | [Channel, Channel] {
    if (opts === undefined) return valueChannelPair<T>(this);
    const size = (opts as { messageSize?: unknown } | null)?.messageSize;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new TypeError(`channel: opts.messageSize must be a byte count, got ${String(size)}`);
    }
    const chv = [0, 0];
    if (this.api.chmake(chv) < 0) throw this.error('chmake');
    return [new Channel(this, chv[0], size), new Channel(this, chv[1], size)];
  }

  /**
   * Waits until one of several channel operations can run, runs it and
   * only it (C's choose): `{ in: ch }` receives, `{ out: ch, value }` sends
   * on a {@link ValueChannel}, `{ out: ch, data }` on a byte
   * {@link Channel} (whose `{ in: ch, size }` takes its messageSize by
   * default); both kinds mix freely. If several are ready, the first in
   * the array runs. Resolves with the clause's `index` and, for `in`, the
   * `value` received (the bytes for a byte channel); a value handed to an
   * `out` clause that did not run is not sent.
   * @throws DillError as C's choose: ETIMEDOUT (deadline or timeout),
   *   ECANCELED (its coroutine or one of the channel ends closed), EPIPE or
   *   EMSGSIZE (the clause that ran failed), EBADF (a closed end); the
   *   signal's reason when it aborts; TypeError for a malformed clause.
   */
  choose<const C extends readonly ChooseClause[]>(clauses: CheckedClauses<C>, opts?: CallOptions): Promise<ChooseResult<C>> {
    return chooseClauses(this, clauses, opts) as Promise<ChooseResult<C>>;
  }

  /**
   * Listens on unix socket `path` (C's ipc_listen; `backlog` defaults to 10).
   * The socket file stays after the listener closes, as natively (a second
   * listen on the path fails with EADDRINUSE until it is unlinked), unless
   * `unlinkOnClose` is set: closing the listener then removes it.
   */
  async ipcListen(path: string, opts?: { backlog?: number; unlinkOnClose?: boolean }): Promise<IpcListener> {
    const h = await this._call('ipc_listen', [path, opts?.backlog ?? 10], undefined, null);
    return new IpcListener(this, h, path, { unlinkOnClose: opts?.unlinkOnClose });
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
  async tcpConnect(addr: IpAddress, opts?: CallOptions): Promise<TcpSocket<IpAddress>> {
    if (!(addr instanceof IpAddress)) throw new TypeError('tcpConnect: addr must be an IpAddress');
    const h = await this._call('tcp_connect', [addr.bytes, deadlineOf(opts)], opts, null);
    return new TcpSocket(this, h, addr);
  }

  /**
   * Connects to host `name` by RFC 8305 "happy eyeballs" (C's
   * happyeyeballs_connect): its IPv6 and IPv4 addresses are tried in a
   * staggered race and the first connection made wins. Which address won
   * is not known: the socket's `remote` is null.
   * @throws DillError ECONNREFUSED, EADDRNOTAVAIL, ETIMEDOUT, ECANCELED...
   */
  async happyEyeballs(name: string, port: number, opts?: CallOptions): Promise<TcpSocket<null>> {
    const h = await this._call('happyeyeballs_connect', [name, port, deadlineOf(opts)], opts, null);
    return new TcpSocket(this, h, null);
  }

  /** A TCP socket on connected descriptor `fd` (C's tcp_fromfd); its `remote` is null. */
  tcpFromFd(fd: number): TcpSocket<null> {
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
    return new CustomByteStream(this, hmakeOf(this, impl, 'bsock_type', bsockOf(impl)), impl);
  }

  /**
   * A message socket written in TypeScript (C's hmake with an msock
   * interface), as {@link Dill.byteStream}: `msend`/`mrecv` on its handle
   * and TERM attached on it call `impl`.
   * @throws DillError ENOMEM, ECANCELED.
   */
  messageSocket(impl: MessageSocketImpl): CustomMessageSocket {
    return new CustomMessageSocket(this, hmakeOf(this, impl, 'msock_type', msockOf(impl)), impl);
  }

  // ---- calls ---------------------------------------------------------------------

  /**
   * dillwasm_brecvsome on `owner`'s handle, its bytes taken without a copy
   * where the socket layer can: up to `max` bytes (> 0), or throws its
   * DillError (or the signal's reason).
   * @internal
   */
  _recvChunk(owner: Handle, max: number, opts: CallOptions | undefined): Promise<Uint8Array> {
    this._precheck(RECV_SOME, opts, owner);
    const ctx = this.callCtx();
    const out = { chunk: EMPTY_CHUNK };
    const h = owner.handle, deadline = deadlineOf(opts);
    const p = new Pending(this, RECV_SOME, ctx, (onStart) => this.host.recvChunk(RECV_SOME_DESC, h, max, deadline, onStart, ctx, out), owner);
    p.follow(opts?.signal);
    // (No async function: its promises would cost two more turns per chunk.)
    return p.raw.then((rc) => (rc < 0 ? p.fail() : out.chunk));
  }

  /**
   * Starts `owner`'s socket flowing (src/host/flow.ts): chunks of up to
   * `max` bytes go to onChunk as they come, until it returns false or the
   * stream ends or fails (onEnd: receive the general way to learn which).
   * Its control (maybe done already), or null where the socket cannot flow.
   * @internal
   */
  _flow(owner: Handle, max: number, onChunk: (chunk: Uint8Array) => boolean, onEnd: () => void): FlowControl | null {
    if (owner.closed) return null;
    const ctx = this.callCtx();
    ctx.keepAlive = owner._keepAlive;
    return this.host.flow(owner.handle, max, ctx, onChunk, onEnd);
  }

  /** A context of its own for a call (its errno), in the calling coroutine's task. */
  private callCtx(): Ctx {
    const cur = this.host.ctx();
    // (Every field a call may set, from the start: one object shape.)
    return { errno: cur.errno, task: cur.task, aborted: false, keepAlive: undefined, cause: null };
  }

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
    const ctx = this.callCtx();
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
   * Fails without entering the library if the signal is aborted already
   * (with its reason) or the handle object is closed (EBADF).
   * @internal
   */
  _precheck(fn: string, opts: CallOptions | undefined, owner: Handle | null): void {
    if (owner && owner.closed) throw this.error(fn, this.api.EBADF);
    if (opts?.signal?.aborted) throw opts.signal.reason;
  }
}
