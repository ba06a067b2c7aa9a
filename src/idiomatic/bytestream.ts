/**
 * {@link ByteStream}: a connected bytestream socket (C's bsend/brecv), what
 * IPC, TCP, TLS and sockets written in TypeScript share: all-or-nothing
 * receives, chunked iteration, the orderly close, and the protocols that
 * attach on a bytestream (PREFIX, SUFFIX, HTTP, WebSocket, TLS, SOCKS5).
 */
import { CallOptions, deadlineOf } from './calls';
import { cstr } from './bytes';
import { DillError } from './errors';
import { Handle, attachOrClose } from './handle';
import { HttpSocket } from './http';
import { PrefixSocket } from './prefix';
import { Socks5AcceptOptions, Socks5ConnectOptions, Socks5Reply, Socks5Request, socks5Accept, socks5Connect, socks5Reply } from './socks5';
import { SuffixSocket } from './suffix';
import { WebSocket, WsAccepted, WsClientOptions, WsServerOptions } from './ws';
import { NodeStreamOptions, toNodeStream, webReadable, webWritable } from './streams';
import type { Duplex } from 'node:stream';
import type { FlowControl } from '../host';
import type { IpAddress } from './ip';
import type { TlsSocket } from './tls';

/** Options of {@link ByteStream.chunks}. */
export interface ChunkOptions extends CallOptions {
  /** The largest chunk yielded, in bytes (default 65536). */
  maxChunk?: number;
}

/** The largest chunk {@link ByteStream.recvSome} and iteration give by default. */
export const DEFAULT_CHUNK = 65536;

// TlsSocket is a ByteStream: tls.ts imports this module, so this one cannot
// import tls.ts back (an import cycle). tls.ts hands its class over as it
// loads; dill.ts, which makes every handle object, loads it.
let tlsSocketClass: typeof TlsSocket | null = null;

/** Called by tls.ts as it loads: the class of TLS sockets. @internal */
export function useTlsSocketClass(cls: typeof TlsSocket): void {
  tlsSocketClass = cls;
}

function loadedTlsSocket(): typeof TlsSocket {
  if (!tlsSocketClass) throw new Error('libdill-wasm: TlsSocket is not loaded (src/idiomatic/tls.ts)');
  return tlsSocketClass;
}

/**
 * A connected bytestream socket: what {@link IpcSocket} and
 * {@link TcpSocket} share (C's bsend/brecv, and their protocol's done and
 * close).
 *
 * As in C, {@link ByteStream.recv} is all or nothing: it gets exactly the
 * bytes asked for, and once it has failed (EPIPE, ETIMEDOUT, ECANCELED...)
 * the socket cannot receive any more (later receives fail).
 * {@link ByteStream.recvSome} gets what has arrived instead, and iterating
 * (`for await (const chunk of sock)`) yields the bytes as they come, until
 * the peer's done() or close.
 */
export abstract class ByteStream extends Handle implements AsyncIterable<Uint8Array> {
  /**
   * How long `await using` waits for the orderly close, in ms (default
   * 1000): leaving the scope runs {@link ByteStream.closeGracefully} with a
   * deadline this far away.
   */
  disposeTimeout = 1000;
  private webIn: ReadableStream<Uint8Array> | null = null;
  private webOut: WritableStream<Uint8Array> | null = null;

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
   * The checks of a call that hands the socket to a protocol: EBUSY while
   * a call of this object is pending (a receive waiting for bytes would
   * be left behind by the protocol, and would wait until it closes).
   */
  private idle(fn: string, opts?: CallOptions): void {
    this.dill._precheck(fn, opts, this);
    if (this._inflight.size > 0) throw this.dill.error(fn, this.dill.api.EBUSY);
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
   * @throws DillError EINVAL (hdrlen), EBUSY (a call of this object is pending).
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
   * @throws DillError EINVAL (bad suffix), EBUSY (a call of this object is pending).
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
   * @throws DillError EBUSY (a call of this object is pending).
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
    const Tls = loadedTlsSocket();
    this.idle('tls_attach_client', opts);
    const h = await this.attachAsync('tls_attach_client', [deadlineOf(opts)], opts);
    return new Tls(this.dill, h, (u) => this._rewrap(u) as this);
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
    const Tls = loadedTlsSocket();
    this.idle('tls_attach_server', opts);
    const h = await this.attachAsync('tls_attach_server', [files.cert, files.key, deadlineOf(opts)], opts);
    return new Tls(this.dill, h, (u) => this._rewrap(u) as this);
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
    await socks5Connect(this, opts);
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
    return socks5Accept(this, opts);
  }

  /**
   * Answers the request {@link ByteStream.socks5Accept} read (C's
   * socks5_proxy_sendreply): `'success'` with the address the proxy
   * connected from (`bound`; null: 0.0.0.0:0), or a failure.
   * @throws DillError EINVAL, ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async socks5Reply(reply: Socks5Reply, bound?: IpAddress | null, opts?: CallOptions): Promise<void> {
    await socks5Reply(this, reply, bound, opts);
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
    await this.dill._call('brecv', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
    return buf;
  }

  /**
   * Receives what has arrived (C extension `dillwasm_brecvsome`): waits
   * for at least one byte, then gives up to `max` bytes (default 65536),
   * as Node's reads give what came. The array is the caller's (often the
   * very buffer the bytes were read into, as with Node's reads).
   *
   * On IPC and TCP sockets a recvSome that times out or is canceled (a
   * signal, closing its coroutine) consumes nothing and leaves the socket
   * able to receive, unlike {@link ByteStream.recv}; on TLS and sockets
   * written in TypeScript it breaks receiving as recv does.
   * @throws DillError EPIPE at the end of the stream (the peer's done()
   *   or close, once everything sent before was received), ECONNRESET,
   *   ETIMEDOUT, ECANCELED, EBUSY (another receive is in progress).
   */
  async recvSome(max: number = DEFAULT_CHUNK, opts?: CallOptions): Promise<Uint8Array> {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`recvSome: max must be a positive integer, got ${max}`);
    return this.dill._recvChunk(this, max, opts);
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
    // (Owned by this object, closed by now: it only follows its ref()/unref().)
    const p = this.dill._start(this.closeCall, [h, deadlineOf(opts)], opts, this);
    // The call could not start (its coroutine is being canceled): as in C,
    // the handle is closed all the same.
    if (!p.started) this.dill.api.hclose(h);
    await p.outcome();
  }

  /**
   * The bytes received, as chunks (each what {@link ByteStream.recvSome}
   * gives: what had arrived, up to `maxChunk`), until the peer's done() or
   * close (EPIPE ends the iteration) or until this socket is closed, even
   * while the iteration waits (that ends it quietly too, as a Node
   * stream's end); other errors are thrown. One chunk is received at a
   * time, when the loop asks for it: a slow loop holds the writer back
   * (its sends wait), whatever the writer's speed, and leaving the loop
   * (`break`) leaves nothing pending. The deadline and `timeout` apply to
   * the whole iteration.
   */
  async *chunks(opts?: ChunkOptions): AsyncGenerator<Uint8Array, void, undefined> {
    const max = opts?.maxChunk ?? DEFAULT_CHUNK;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxChunk must be a positive integer, got ${max}`);
    const each: CallOptions = { deadline: deadlineOf(opts), signal: opts?.signal };
    for (;;) {
      let chunk: Uint8Array;
      try {
        chunk = await this.recvSome(max, each);
      } catch (e) {
        // The peer's done() or close (EPIPE), or this socket closed while
        // iterating: the iteration ends quietly, as a Node stream's does.
        if (e instanceof DillError && e.code === 'EPIPE') return;
        if (this.closed) return;
        throw e;
      }
      yield chunk;
    }
  }

  /**
   * Hands what arrives to `onChunk` until it returns false or the stream
   * ends or fails (onEnd); null where this socket cannot (see Dill._flow).
   * @internal
   */
  _flow(max: number, onChunk: (chunk: Uint8Array) => boolean, onEnd: () => void): FlowControl | null {
    return this.dill._flow(this, max, onChunk, onEnd);
  }

  /**
   * This socket as a Node `Duplex`, for `stream.pipeline`, `zlib`,
   * `http.request({ createConnection })` and the rest of Node's stream
   * world. Reading gives what {@link ByteStream.recvSome} gives, when the
   * stream wants more (its backpressure holds the peer back); the readable
   * side ends at the peer's done() or close, and then, as with a
   * `net.Socket`, the writable side ends too unless `allowHalfOpen`.
   * Writing sends; `end()` is {@link ByteStream.done} (a half-close).
   * Destroying the stream, or both sides ending, closes the socket. Use the
   * socket through the stream only, from then on.
   */
  toNodeStream(opts?: NodeStreamOptions): Duplex {
    return toNodeStream(this, opts);
  }

  /**
   * The bytes received, as a web `ReadableStream` (the same object each
   * time): chunks as {@link ByteStream.recvSome} gives them, read when the
   * reader asks (backpressure reaches the peer); it closes at the peer's
   * done() or close. Canceling it stops reading and leaves the socket open.
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.webIn ??= webReadable(this);
  }

  /**
   * A web `WritableStream` to the peer (the same object each time): each
   * chunk is sent in turn (a write resolves once sent); closing it is
   * {@link ByteStream.done}; aborting it closes the socket.
   */
  get writable(): WritableStream<Uint8Array> {
    return this.webOut ??= webWritable(this);
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
}
