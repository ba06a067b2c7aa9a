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
  let reading = false;
  // One read at a time; the next starts at once while the stream wants
  // more (push() says so), rather than from Node's next read() call.
  const readMore = (): void => {
    reading = true;
    // (Destroying the stream closes the socket, which ends this read.)
    sock.recvSome(max).then((chunk) => {
      reading = false;
      if (duplex.push(chunk)) readMore();
    }, (e: unknown) => {
      reading = false;
      if (duplex.destroyed) return;
      if (ends(sock, e)) duplex.push(null);
      else duplex.destroy(e as Error);
    });
  };
  const duplex: Duplex = new Duplex({
    allowHalfOpen: opts?.allowHalfOpen ?? false,
    highWaterMark: opts?.highWaterMark,
    read(): void {
      if (!reading) readMore();
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
  let readAbort: AbortController | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      readAbort = new AbortController();
      try {
        controller.enqueue(await sock.recvSome(max, { signal: readAbort.signal }));
      } catch (e) {
        if (ends(sock, e)) controller.close();
        else if (!readAbort.signal.aborted) controller.error(e);
      } finally {
        readAbort = null;
      }
    },
    cancel(): void {
      readAbort?.abort();
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
