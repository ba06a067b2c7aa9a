/**
 * Layers written in TypeScript for the suites of hmake (C's libdillimpl.h):
 * an XOR bytestream over a library bytestream, a message socket framing
 * each message with its size, and a bare handle with given bytestream
 * functions.  They work on the test file's instance (instance.ts).
 */
import type { BsockVfs, HVfs, ImplIoVec, MsockVfs } from '../dist/index';
import { dill } from './instance';

export const xor = (b: Uint8Array, key: number): Uint8Array => b.map((x) => x ^ key);

/** A type of our own for hquery. */
export const XOR_TYPE = Symbol('xor layer');

export interface Layer {
  h: number;
  closes: number;
  vfs: BsockVfs;
  /** What the layer's functions saw: their signals, and their own calls' errno. */
  signals: AbortSignal[];
  innerErrno: number[];
}

/**
 * A bytestream layer written in TypeScript: every byte XORed with `key`
 * over the bytestream `lower`, which it owns (closed by its close).
 */
export function xorLayer(lower: number, key = 0x5a): Layer {
  const layer: Layer = { h: -1, closes: 0, vfs: null as unknown as BsockVfs, signals: [], innerErrno: [] };
  layer.vfs = {
    async bsendl(iol: ImplIoVec[], deadline: number, signal: AbortSignal) {
      layer.signals.push(signal);
      const out = iol.map((v) => (v instanceof Uint8Array ? xor(v, key) : new Uint8Array(v.len)));
      const rc = await dill.bsendl(lower, out, deadline);
      if (rc < 0) layer.innerErrno.push(dill.errno);
      return rc;
    },
    async brecvl(iol: ImplIoVec[], deadline: number, signal: AbortSignal) {
      layer.signals.push(signal);
      const rc = await dill.brecvl(lower, iol, deadline);
      if (rc < 0) { layer.innerErrno.push(dill.errno); return -1; }
      for (const v of iol) if (v instanceof Uint8Array) v.set(xor(v, key));
      return 0;
    },
  };
  const vfs: HVfs = {
    query: (type) => (type === dill.bsock_type ? layer.vfs : type === XOR_TYPE ? layer : null),
    close: () => { layer.closes++; dill.hclose(lower); },
  };
  layer.h = dill.hmake(vfs);
  expect(layer.h).toBeGreaterThanOrEqual(0);
  return layer;
}

/**
 * A message layer written in TypeScript: each message preceded by its
 * 2-byte big-endian size, over the bytestream `lower`.
 */
export function sizedLayer(lower: number): number {
  const m: MsockVfs = {
    msendl(iol: ImplIoVec[], deadline: number) {
      const body = Buffer.concat(iol.map((v) => (v instanceof Uint8Array ? v : new Uint8Array(v.len))));
      if (body.length > 0xffff) { dill.errno = dill.EMSGSIZE; return -1; }
      const hdr = new Uint8Array([body.length >> 8, body.length & 0xff]);
      return dill.bsendl(lower, [hdr, body], deadline);
    },
    async mrecvl(iol: ImplIoVec[], deadline: number) {
      const hdr = new Uint8Array(2);
      if (await dill.brecv(lower, hdr, 2, deadline) < 0) return -1;
      const n = (hdr[0] << 8) | hdr[1];
      const body = new Uint8Array(n);
      if (n > 0 && await dill.brecv(lower, body, n, deadline) < 0) return -1;
      const room = iol.reduce((k, v) => k + (v instanceof Uint8Array ? v.byteLength : v.len), 0);
      if (n > room) { dill.errno = dill.EMSGSIZE; return -1; }
      let off = 0;
      for (const v of iol) {
        const len = v instanceof Uint8Array ? v.byteLength : v.len;
        if (v instanceof Uint8Array) v.set(body.subarray(off, off + len));
        off += len;
      }
      return n;
    },
  };
  const h = dill.hmake({ query: (t) => (t === dill.msock_type ? m : null), close: () => { dill.hclose(lower); } });
  expect(h).toBeGreaterThanOrEqual(0);
  return h;
}

/** A handle whose bytestream functions are `b` (the other one does nothing; its close neither). */
export function bsockOf(b: Partial<BsockVfs>): number {
  const vfs = { bsendl: () => 0, brecvl: () => 0, ...b };
  const h = dill.hmake({ query: (t) => (t === dill.bsock_type ? vfs : null), close: () => {} });
  expect(h).toBeGreaterThanOrEqual(0);
  return h;
}
