/**
 * WebSocket (C's ws_*, RFC 6455): messages, text or binary, over a
 * bytestream; the options of its handshakes and of its close.
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { RecvBuffers, bytesOf } from './bytes';
import { isEpipe } from './errors';
import { Handle } from './handle';
import type { ByteStream } from './bytestream';
import type { Dill } from './dill';
import type { MessageRecvOptions } from './message';

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

  /** Called by {@link ByteStream.attachWsClient} and {@link ByteStream.attachWsServer}, which make these objects. @hidden */
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
