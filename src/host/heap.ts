/**
 * The library's memory as the bindings see it: typed views of the wasm
 * heap (kept current as it grows), malloc/free, C strings, and C's errno.
 */
import type { LibraryExports } from '../gen/boundary';

export class Heap {
  u8: Uint8Array;
  f64: Float64Array;
  i32: Int32Array;
  /** The address of C's errno (__errno_location). */
  private readonly errnoLoc: number;

  constructor(private readonly X: LibraryExports, private readonly memory: { buffer: ArrayBuffer }) {
    this.u8 = new Uint8Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.errnoLoc = X.__errno_location();
  }

  /**
   * Current views of the heap (memory growth replaces the buffer).  Called
   * after everything that may grow it: malloc() and every call into C.
   */
  views(): void {
    // Growth detaches the old buffer, which empties the views (cheaper to
    // test than comparing with memory.buffer, a getter).
    if (this.u8.byteLength === 0) {
      this.u8 = new Uint8Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }

  /** malloc in the library's heap; the views stay current (it may grow). */
  malloc(n: number): number {
    const p = this.X.malloc(n);
    this.views();
    return p;
  }

  free(p: number): void {
    this.X.free(p);
  }

  /** C's errno now (read right after the call that set it). */
  get errno(): number {
    return this.i32[this.errnoLoc >> 2];
  }

  set errno(v: number) {
    this.i32[this.errnoLoc >> 2] = v;
  }

  /** The NUL-terminated string at `p`, decoded as UTF-8 (invalid bytes replaced). */
  cString(p: number): string {
    let end = p;
    while (this.u8[end]) end++;
    return Buffer.from(this.u8.subarray(p, end)).toString('utf8');
  }
}
