/**
 * The stream adapters of a {@link ByteStream}: a Node `Duplex`
 * ({@link ByteStream.toNodeStream}) and web streams
 * ({@link ByteStream.readable}, {@link ByteStream.writable}). Both read with
 * recvSome, one chunk at a time when the consumer wants one, so the
 * backpressure of the stream reaches the peer (its sends wait), and write
 * with send, one chunk at a time.
 */
import { Duplex } from 'node:stream';
import { DillError } from './errors';
import type { ByteStream } from './bytestream';
import type { FlowControl } from '../host';

/** Options of {@link ByteStream.toNodeStream}. */
export interface NodeStreamOptions {
  /** The largest chunk read at once, in bytes (default 65536). */
  maxChunk?: number;
  /** The readable and writable sides' highWaterMark, in bytes (default: Node's). */
  highWaterMark?: number;
  /**
   * Keep the writable side open once the readable side has ended (default
   * false, as `net.Socket`'s: the peer's done() or close then ends the
   * writable side too, which closes the socket once written).
   */
  allowHalfOpen?: boolean;
}

/** The end of the stream: EPIPE, or the socket closed under the reader. */
function ends(sock: ByteStream, e: unknown): boolean {
  return (e instanceof DillError && e.code === 'EPIPE') || sock.closed;
}

/**
 * The reading side of the adapters: chunks of `sock` go to `push` while it
 * returns true; want() asks for more. On IPC and TCP the socket flows
 * (Dill._flow: the chunks are handed over as they arrive, without a call
 * each); elsewhere, and to learn how the stream ended, it reads one
 * recvSome at a time. The end of the stream goes to `end`, an error to
 * `fail`. stop() stops reading for good (a pending recvSome is canceled,
 * which loses no bytes on IPC and TCP).
 */
class ChunkReader {
  private flow: FlowControl | null = null;
  private reading = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly sock: ByteStream,
    private readonly max: number,
    private readonly push: (chunk: Uint8Array) => boolean,
    private readonly end: () => void,
    private readonly fail: (e: unknown) => void,
  ) {}

  /** The consumer wants more. */
  want(): void {
    if (this.stopped || this.reading || (this.flow !== null && !this.flow.done)) return;
    let ended = false;
    this.flow = this.sock._flow(this.max, this.push, () => { ended = true; this.readOnce(); });
    if (this.flow === null && !ended) this.readOnce();
  }

  /** One recvSome: a chunk, or how the stream ended. */
  private readOnce(): void {
    if (this.stopped || this.reading) return;
    this.reading = true;
    this.sock.recvSome(this.max, { signal: this.abort.signal }).then((chunk) => {
      this.reading = false;
      if (!this.stopped && this.push(chunk)) this.want();
    }, (e: unknown) => {
      this.reading = false;
      if (this.stopped) return;
      this.stopped = true;
      if (ends(this.sock, e)) this.end();
      else this.fail(e);
    });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.flow?.stop();
    this.abort.abort();
  }
}

/**
 * A Duplex over `sock`: reading gives what recvSome gives, until the
 * peer's done() or close (the end of the readable side, which ends the
 * writable side too unless `allowHalfOpen`); writing sends; `end()` is
 * done() (a half-close: the readable side goes on); destroying the stream
 * (or both sides ending) closes the socket.
 * @internal
 */
export function toNodeStream(sock: ByteStream, opts?: NodeStreamOptions): Duplex {
  const max = opts?.maxChunk ?? 65536;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxChunk must be a positive integer, got ${max}`);
  const reader = new ChunkReader(sock, max, (chunk) => duplex.push(chunk), () => duplex.push(null),
    (e) => duplex.destroy(e as Error));
  const duplex: Duplex = new Duplex({
    allowHalfOpen: opts?.allowHalfOpen ?? false,
    highWaterMark: opts?.highWaterMark,
    read(): void {
      reader.want();
    },
    write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
      sock.send(chunk).then(() => cb(), cb);
    },
    writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
      sock.send(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk))).then(() => cb(), cb);
    },
    final(cb: (e?: Error | null) => void): void {
      sock.done().then(() => cb(), cb);
    },
    destroy(err: Error | null, cb: (e: Error | null) => void): void {
      reader.stop();
      if (!sock.closed) sock.close();
      cb(err);
    },
  });
  return duplex;
}

/**
 * A ReadableStream of `sock`'s bytes (chunks as recvSome gives them),
 * pulled one chunk at a time as the reader asks: until the peer's done()
 * or close (the stream closes) or an error (the stream errors with it).
 * Canceling it stops reading (a pending read is canceled, which loses no
 * bytes on IPC and TCP) and leaves the socket open.
 * @internal
 */
export function webReadable(sock: ByteStream, max = 65536): ReadableStream<Uint8Array> {
  let reader: ChunkReader | null = null;
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      reader = new ChunkReader(sock, max, (chunk) => {
        controller.enqueue(chunk);
        return (controller.desiredSize ?? 0) > 0;
      }, () => controller.close(), (e) => controller.error(e));
    },
    pull(): void {
      reader!.want();
    },
    cancel(): void {
      reader!.stop();
    },
  }, { highWaterMark: 1 });
}

/**
 * A WritableStream to `sock`: each chunk (a Uint8Array) is sent in turn;
 * closing the stream is done() (a half-close); aborting it closes the
 * socket.
 * @internal
 */
export function webWritable(sock: ByteStream): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk): Promise<void> {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('a ByteStream writable takes Uint8Array chunks');
      await sock.send(chunk);
    },
    async close(): Promise<void> {
      await sock.done();
    },
    abort(): void {
      if (!sock.closed) sock.close();
    },
  }, { highWaterMark: 1 });
}
