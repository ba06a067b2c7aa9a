/**
 * Bytes at the boundary of the idiomatic layer: C strings, strings sent as
 * UTF-8, and the receive buffers a socket keeps between calls.
 */

/** The text of NUL-terminated bytes, as UTF-8. @internal */
export function cstr(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.buffer, b.byteOffset, end < 0 ? b.byteLength : end).toString('utf8');
}

/** `data` as bytes (a string as UTF-8). @internal */
export function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Receive buffers of one socket (not zeroed: only what C wrote is
 * returned). One is kept between calls, so that a socket receiving message
 * after message does not allocate `size` bytes each time; a call made while
 * another holds it gets a fresh one.
 * @internal
 */
export class RecvBuffers {
  private kept: Uint8Array | null = null;

  take(size: number): Uint8Array {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a length in bytes, got ${size}`);
    const b = this.kept;
    if (b && b.byteLength === size) {
      this.kept = null;
      return b;
    }
    return Buffer.allocUnsafe(size);
  }

  give(b: Uint8Array): void {
    this.kept = b;
  }
}
