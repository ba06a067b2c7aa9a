/**
 * {@link MessageSocket}: a message socket made by a protocol (C's
 * msend/mrecv), what PREFIX, SUFFIX, TERM and sockets written in TypeScript
 * share, and TERM attached on it.
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { RecvBuffers, bytesOf } from './bytes';
import { isEpipe } from './errors';
import { Handle, attachOrClose } from './handle';
import type { TermSocket } from './term';

/** Options of a message receive. */
export interface MessageRecvOptions extends CallOptions {
  /**
   * The largest message accepted, in bytes (default: the socket's
   * {@link MessageSocket.maxMessageSize}). A longer one fails with
   * EMSGSIZE and, as in C, leaves the socket unable to receive.
   */
  size?: number;
}

// TermSocket is a MessageSocket: term.ts imports this module, so this one
// cannot import term.ts back (an import cycle). term.ts hands its class over
// as it loads; dill.ts, which makes every handle object, loads it.
let termSocketClass: typeof TermSocket | null = null;

/** Called by term.ts as it loads: the class of TERM sockets. @internal */
export function useTermSocketClass(cls: typeof TermSocket): void {
  termSocketClass = cls;
}

function loadedTermSocket(): typeof TermSocket {
  if (!termSocketClass) throw new Error('libdill-wasm: TermSocket is not loaded (src/idiomatic/term.ts)');
  return termSocketClass;
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
   * iteration) or this socket is closed, even while the iteration waits
   * (that ends it quietly too, as a Node stream's end); other errors are
   * thrown. The deadline applies to the whole iteration.
   */
  messages(opts?: MessageRecvOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return receiveUntil(() => this.recv(opts), (e) => isEpipe(e) || this.closed);
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
    const Term = loadedTermSocket();
    const buf = bytesOf(terminal);
    this.dill._precheck('term_attach', undefined, this);
    const h = attachOrClose(this, () => this.dill._sync('term_attach', [this.handle, buf, buf.byteLength]));
    return new Term(this.dill, h, buf.slice(), (u) => this._rewrap(u) as this);
  }
}
