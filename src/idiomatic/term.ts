/**
 * TERM (C's term_*): a terminal handshake over a message socket.
 *
 * TermSocket extends the class that makes it, so message.ts cannot import this
 * module: this one hands it the class as it loads (last line).
 */
import { CallOptions, deadlineOf } from './calls';
import { MessageSocket, useTermSocketClass } from './message';
import type { Dill } from './dill';

/**
 * TERM (C's term_*): a terminal handshake over a message socket. Made by
 * {@link MessageSocket.attachTerm}.
 */
export class TermSocket<L extends MessageSocket = MessageSocket> extends MessageSocket {
  /** The terminal message. */
  readonly terminal: Uint8Array;
  private readonly lower: (h: number) => L;

  /** Called by {@link MessageSocket.attachTerm}, which makes these objects. @hidden */
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

useTermSocketClass(TermSocket);
