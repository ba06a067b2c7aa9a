/**
 * PREFIX (C's prefix_*): messages each preceded by their size, over a
 * bytestream.
 */
import { MessageSocket } from './message';
import type { ByteStream } from './bytestream';
import type { Dill } from './dill';

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

  /** Called by {@link ByteStream.attachPrefix}, which makes these objects. @hidden */
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
