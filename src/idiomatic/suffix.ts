/**
 * SUFFIX (C's suffix_*): messages each followed by a delimiter, over a
 * bytestream.
 */
import { CallOptions, deadlineOf } from './calls';
import { MessageSocket } from './message';
import type { ByteStream } from './bytestream';
import type { Dill } from './dill';

/**
 * SUFFIX (C's suffix_*): messages each followed by a delimiter, over a
 * bytestream. Made by {@link ByteStream.attachSuffix}.
 */
export class SuffixSocket<L extends ByteStream = ByteStream> extends MessageSocket {
  /** The delimiter. */
  readonly suffix: Uint8Array;
  private readonly lower: (h: number) => L;

  /** Called by {@link ByteStream.attachSuffix}, which makes these objects. @hidden */
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
