/**
 * TLS (C's tls_*) over a bytestream, itself a bytestream.
 *
 * TlsSocket extends the class that makes it, so bytestream.ts cannot import this
 * module: this one hands it the class as it loads (last line).
 */
import { CallOptions, deadlineOf } from './calls';
import { ByteStream, useTlsSocketClass } from './bytestream';
import type { Dill } from './dill';

/**
 * TLS (C's tls_*) over a bytestream: a {@link ByteStream} itself. Made by
 * {@link ByteStream.attachTlsClient} and {@link ByteStream.attachTlsServer}.
 * done() sends close_notify (the peer's receives end after the data);
 * closeGracefully() is detach() then the socket's own orderly close.
 */
export class TlsSocket<L extends ByteStream = ByteStream> extends ByteStream {
  private readonly lower: (h: number) => L;

  /** Called by {@link ByteStream.attachTlsClient} and {@link ByteStream.attachTlsServer}, which make these objects. @hidden */
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

useTlsSocketClass(TlsSocket);
