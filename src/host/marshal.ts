/**
 * Marshalling: a call's arguments into its argument block (laid out in
 * libdill/host/boundary.h) by parameter kind (src/gen/api.ts), with the
 * copy-outs that run after the call; and a pointer result into what it
 * points at.
 */
import { CallDesc, IPADDR_SIZE } from '../gen/api';
import {
  AF_INET, AF_INET6, BLOCK_ARG0, BLOCK_SIZE, BLOCK_SLOTS, CHCLAUSE_CH, CHCLAUSE_LEN, CHCLAUSE_OP, CHCLAUSE_SIZE, CHCLAUSE_VAL,
  IOLIST_BASE, IOLIST_LEN, IOLIST_NEXT, IOLIST_RSVD, IOLIST_SIZE, SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE,
} from '../gen/boundary';
import { CALLS } from '../gen/api';
import type { ChClause, IoVec, IpAddr, Socks5AuthFn, Storage } from '../types';
import type { Heap } from './heap';

export const INT_MIN = -0x80000000;
export const INT_MAX = 0x7fffffff;
export const SIZE_MAX = 0xffffffff;

/** Where the room for small buffers starts in an argument block: after its doubles. */
const ARGS_END = 8 * BLOCK_SLOTS;
for (const c of CALLS) {
  if (8 * (BLOCK_ARG0 + c.params.length + 1) > ARGS_END) throw new Error(`${c.name}: too many parameters for an argument block`);
}

/** Thrown for arguments C could not even be given (wrong type, range). */
export function bad(fn: string, param: string, what: string): TypeError {
  return new TypeError(`${fn}: ${param} ${what}`);
}

/** A call's marshalled arguments. */
export interface Marshalled {
  block: number;
  /** Room for small buffers inside the block: the next free byte and the end. */
  bump: number;
  end: number;
  /** Run after the call with its result (copy-outs). */
  after: ((result: number) => void)[];
  /** Heap blocks to free after the call. */
  frees: number[];
  /** The function C calls back through a trampoline (socks5_proxy_auth). */
  callback?: Socks5AuthFn | null;
}

export class Marshaller {
  /** Storage objects made by this instance's storage(): the only ones whose ptr may reach C. */
  readonly storages = new WeakSet<object>();

  constructor(private readonly heap: Heap) {}

  /**
   * Writes the arguments of call `desc` into argument block `block` (and
   * the heap memory they point to); null if out of memory.  Throws a
   * TypeError for arguments C could not even be given.
   */
  marshal(desc: CallDesc, args: unknown[], block: number): Marshalled | null {
    const m: Marshalled = { block, bump: block + ARGS_END, end: block + BLOCK_SIZE, after: [], frees: [] };
    const params = desc.params;
    if (args.length !== params.length) {
      throw new TypeError(`${desc.name}: expects ${params.length} argument(s), got ${args.length}`);
    }
    let slot = (block >> 3) + BLOCK_ARG0;
    try {
      for (let i = 0; i < params.length; i++) {
        const p = params[i];
        const v = args[i];
        switch (p.kind) {
          case 'int': {
            if (typeof v !== 'number' || !Number.isInteger(v) || v < INT_MIN || v > INT_MAX) {
              throw bad(desc.name, p.name, `must be an integer in the range of a C int, got ${String(v)}`);
            }
            this.heap.f64[slot++] = v;
            break;
          }
          case 'size': {
            if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > SIZE_MAX) {
              throw bad(desc.name, p.name, `must be a length (an integer from 0 to ${SIZE_MAX}), got ${String(v)}`);
            }
            this.heap.f64[slot++] = v;
            break;
          }
          case 'deadline': {
            if (typeof v !== 'number' || Number.isNaN(v) || !Number.isFinite(v) && v !== Infinity) {
              throw bad(desc.name, p.name, `must be a deadline in ms (now() + ms, 0 or -1), got ${String(v)}`);
            }
            this.heap.f64[slot++] = v === Infinity ? -1 : Math.trunc(v);
            break;
          }
          case 'inbuf':
          case 'outbuf': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            const ptr = this.buffer(desc, i, v, args[i + 1], m);
            if (!ptr) return this.nomem(m);
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'string': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            if (typeof v !== 'string') throw bad(desc.name, p.name, 'must be a string or null');
            const bytes = Buffer.from(v + '\0', 'utf8');
            const ptr = this.alloc(m, bytes.length);
            if (!ptr) return this.nomem(m);
            this.heap.u8.set(bytes, ptr);
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'out2': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            if (!Array.isArray(v)) throw bad(desc.name, p.name, 'must be an array (it receives two handles) or null');
            const ptr = this.alloc(m, 8);
            if (!ptr) return this.nomem(m);
            m.after.push((rc) => {
              if (rc !== 0) return;
              v[0] = this.heap.i32[ptr >> 2];
              v[1] = this.heap.i32[(ptr >> 2) + 1];
            });
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'storage': {
            this.heap.f64[slot++] = v === null ? 0 : this.storage(desc, i, v);
            break;
          }
          case 'ipaddr':
          case 'ipaddr_out': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            this.checkAddr(desc.name, p.name, v);
            const ptr = this.alloc(m, IPADDR_SIZE);
            if (!ptr) return this.nomem(m);
            this.heap.u8.set(v, ptr);
            // C may write a non-const address (ipaddr_local, the port chosen
            // by tcp_listen, the sender of udp_recv...): copied back unless
            // the call failed.
            if (p.kind === 'ipaddr_out') {
              m.after.push((rc) => { if (rc !== -1 && v.byteLength === IPADDR_SIZE) v.set(this.heap.u8.subarray(ptr, ptr + IPADDR_SIZE)); });
            }
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'ipaddrs': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            const ptr = this.ipaddrs(desc, i, v, args[i + 1], m);
            if (!ptr) return this.nomem(m);
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'strbuf':
          case 'charbuf': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            const ptr = this.stringOut(desc, i, v, args[i + 1], m);
            if (!ptr) return this.nomem(m);
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'intout': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            const ptr = this.intOut(desc, i, v, m);
            if (!ptr) return this.nomem(m);
            this.heap.f64[slot++] = ptr;
            break;
          }
          case 'auth': {
            // The C thunk passes host.c's trampoline for nonzero, which
            // calls Calls.auth with the call's block.
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            if (typeof v !== 'function') throw bad(desc.name, p.name, 'must be a function (username, password) => boolean | number, or null');
            m.callback = v as Socks5AuthFn;
            this.heap.f64[slot++] = 1;
            break;
          }
          case 'iolist': {
            const recv = desc.name.includes('recv');
            const [first, last] = this.iolist(desc.name, v, recv, m, desc.ret === 'ssize_t');
            if (first < 0) return this.nomem(m);
            this.heap.f64[slot++] = first;
            this.heap.f64[slot++] = last;
            break;
          }
          case 'clauses': {
            if (v === null) { this.heap.f64[slot++] = 0; break; }
            const ptr = this.clauses(desc.name, v, args[i + 1], m);
            if (ptr < 0) return this.nomem(m);
            this.heap.f64[slot++] = ptr;
            break;
          }
        }
      }
    } catch (e) {
      this.release(m);
      throw e;
    }
    return m;
  }

  /**
   * A buffer and its length (the next parameter, as C's buf, len pairs):
   * 'inbuf' is copied in; 'outbuf' is copied back after the call.  Its
   * address, 0 if out of memory.
   */
  private buffer(desc: CallDesc, i: number, v: unknown, len: unknown, m: Marshalled): number {
    const p = desc.params[i];
    if (!(v instanceof Uint8Array)) {
      throw bad(desc.name, p.name, 'must be a Uint8Array (or Buffer) or null');
    }
    if (typeof len === 'number' && Number.isInteger(len) && len > v.byteLength) {
      throw bad(desc.name, p.name, `has ${v.byteLength} bytes (detached?) but ${desc.params[i + 1].name} is ${len}`);
    }
    const n = typeof len === 'number' && len >= 0 ? len : 0;
    const ptr = this.alloc(m, Math.max(n, 1));
    if (!ptr) return 0;
    // n > 0: a detached buffer (length 0) must not be touched at all:
    // even subarray(0, 0) or set() of nothing throws on one.
    if (p.kind === 'inbuf') { if (n > 0) this.heap.u8.set(v.subarray(0, n), ptr); }
    // A failed call leaves the caller's buffer alone; a message
    // receive (ssize_t result) fills only the bytes it received.
    else if (desc.ret === 'ssize_t') {
      m.after.push((rc) => {
        const k = Math.min(rc, n);
        if (k > 0 && v.byteLength >= k) v.set(this.heap.u8.subarray(ptr, ptr + k));
      });
    } else m.after.push((rc) => { if (rc === -1) return; if (n > 0 && v.byteLength >= n) v.set(this.heap.u8.subarray(ptr, ptr + n)); });
    return ptr;
  }

  /** A storage(kind) argument: its address. */
  private storage(desc: CallDesc, i: number, v: unknown): number {
    const p = desc.params[i];
    const s = v as Storage;
    if (!s || typeof s !== 'object' || s.kind !== p.storage || typeof s.ptr !== 'number') {
      throw bad(desc.name, p.name, `must be storage('${p.storage}') or null`);
    }
    // Only storage made by this instance: a forged object or one from
    // another load() would make C write a struct at an arbitrary
    // address of this heap.
    if (!this.storages.has(s)) throw bad(desc.name, p.name, `must be storage('${p.storage}') of this library instance`);
    if (s.ptr === 0) throw bad(desc.name, p.name, 'was freed');
    return s.ptr;
  }

  /** An array of IpAddr and its count (the next parameter), in and out; 0 if out of memory. */
  private ipaddrs(desc: CallDesc, i: number, v: unknown, count: unknown, m: Marshalled): number {
    const p = desc.params[i];
    if (!Array.isArray(v)) throw bad(desc.name, p.name, 'must be an array of IpAddr or null');
    // C writes up to naddrs addresses: more than the array holds
    // would make it write past the block built here.
    if (typeof count === 'number' && count > v.length) {
      throw bad(desc.name, p.name, `has ${v.length} address(es) but ${desc.params[i + 1].name} is ${count}`);
    }
    const k = typeof count === 'number' && count > 0 ? count : 0;
    for (let j = 0; j < k; j++) this.checkAddr(desc.name, `${p.name}[${j}]`, v[j]);
    const ptr = this.alloc(m, Math.max(k * IPADDR_SIZE, 1));
    if (!ptr) return 0;
    for (let j = 0; j < k; j++) this.heap.u8.set(v[j], ptr + j * IPADDR_SIZE);
    const addrs = v as IpAddr[];
    m.after.push((rc) => {
      for (let j = 0; j < Math.min(rc, k); j++) {
        if (addrs[j].byteLength === IPADDR_SIZE) addrs[j].set(this.heap.u8.subarray(ptr + j * IPADDR_SIZE, ptr + (j + 1) * IPADDR_SIZE));
      }
    });
    return ptr;
  }

  /**
   * A char * C writes a string into: 'strbuf' has no length beside it, C
   * writes up to p.room bytes (ipaddr_str's ipstr, ws_request_key's
   * key...); 'charbuf' has its length as the next parameter
   * (http_recvfield's name, namelen...).  As through a pointer: C sees the
   * caller's bytes, and what it leaves there (even on failure) is copied
   * back.  Its address, 0 if out of memory.
   */
  private stringOut(desc: CallDesc, i: number, v: unknown, len: unknown, m: Marshalled): number {
    const p = desc.params[i];
    if (!(v instanceof Uint8Array)) throw bad(desc.name, p.name, 'must be a Uint8Array or null');
    let room: number;
    if (p.kind === 'strbuf') {
      room = p.room!;
      if (v.byteLength < room) throw bad(desc.name, p.name, `must have room for ${room} bytes, has ${v.byteLength}`);
    } else {
      if (typeof len === 'number' && Number.isInteger(len) && len > v.byteLength) {
        throw bad(desc.name, p.name, `has ${v.byteLength} bytes (detached?) but ${desc.params[i + 1].name} is ${len}`);
      }
      room = typeof len === 'number' && len >= 0 ? len : 0;
    }
    const ptr = this.alloc(m, Math.max(room, 1));
    if (!ptr) return 0;
    if (room > 0) this.heap.u8.set(v.subarray(0, room), ptr);
    m.after.push(() => { if (room > 0 && v.byteLength >= room) v.set(this.heap.u8.subarray(ptr, ptr + room)); });
    return ptr;
  }

  /** int *: element 0 of an Int32Array or an array, in and out.  Its address, 0 if out of memory. */
  private intOut(desc: CallDesc, i: number, v: unknown, m: Marshalled): number {
    const p = desc.params[i];
    const isArr = Array.isArray(v);
    if (!(v instanceof Int32Array) && !isArr) throw bad(desc.name, p.name, 'must be an Int32Array (or array) of at least one element, or null');
    if ((v as ArrayLike<number>).length < 1) throw bad(desc.name, p.name, 'must have at least one element');
    const init = (v as ArrayLike<unknown>)[0];
    if (isArr && init !== undefined && (typeof init !== 'number' || !Number.isInteger(init) || init < INT_MIN || init > INT_MAX)) {
      throw bad(desc.name, `${p.name}[0]`, `must be an integer in the range of a C int, got ${String(init)}`);
    }
    const ptr = this.alloc(m, 4);
    if (!ptr) return 0;
    this.heap.i32[ptr >> 2] = (init as number | undefined) ?? 0;
    const out = v as Int32Array | number[];
    m.after.push(() => { out[0] = this.heap.i32[ptr >> 2]; });
    return ptr;
  }

  /** An IpAddr argument: a Uint8Array of exactly IPADDR_SIZE bytes. */
  private checkAddr(fn: string, param: string, v: unknown): asserts v is IpAddr {
    if (!(v instanceof Uint8Array)) throw bad(fn, param, 'must be an IpAddr (a Uint8Array from ipaddr()) or null');
    if (v.byteLength !== IPADDR_SIZE) throw bad(fn, param, `must be an IpAddr of ${IPADDR_SIZE} bytes, has ${v.byteLength}`);
  }

  /** `n` bytes of heap for a call's argument: inside its block if they fit, else malloc'd (freed after the call); 0 if out of memory. */
  private alloc(m: Marshalled, n: number): number {
    const k = (n + 7) & ~7;
    if (m.bump + k <= m.end) {
      const p = m.bump;
      m.bump += k;
      return p;
    }
    const p = this.heap.malloc(n);
    if (p) m.frees.push(p);
    return p;
  }

  private nomem(m: Marshalled): null {
    this.release(m);
    return null;
  }

  /** Frees what the call malloc'd (after it, or when marshalling fails). */
  release(m: Marshalled): void {
    if (m.frees.length === 0) return;
    for (const p of m.frees) this.heap.free(p);
    m.frees.length = 0;
  }

  /** Builds a C iolist; [first, last] pointers ([0, 0] for an empty one), [-1] if out of memory. */
  private iolist(fn: string, v: unknown, recv: boolean, m: Marshalled, partial = false): [number, number] {
    if (!Array.isArray(v)) throw bad(fn, 'iol', 'must be an array of Uint8Array or { base, len }');
    if (v.length === 0) return [0, 0];
    const vecs: { base: Uint8Array | null; len: number }[] = v.map((e: IoVec, i: number) => {
      if (e instanceof Uint8Array) return { base: e, len: e.byteLength };
      if (e && typeof e === 'object' && (e.base === null || e.base instanceof Uint8Array) &&
          typeof e.len === 'number' && Number.isInteger(e.len) && e.len >= 0 && e.len <= SIZE_MAX) {
        if (e.base && e.len > e.base.byteLength) throw bad(fn, `iol[${i}]`, `has ${e.base.byteLength} bytes but len is ${e.len}`);
        return { base: e.base, len: e.len };
      }
      throw bad(fn, `iol[${i}]`, 'must be a Uint8Array or { base: Uint8Array | null, len }');
    });
    const nodes = this.alloc(m, IOLIST_SIZE * vecs.length);
    if (!nodes) return [-1, -1];
    let offset = 0;
    for (let i = 0; i < vecs.length; i++) {
      const { base, len } = vecs[i];
      let ptr = 0;
      if (base) {
        ptr = this.alloc(m, Math.max(len, 1));
        if (!ptr) return [-1, -1];
        if (!recv) { if (len > 0) this.heap.u8.set(base.subarray(0, len), ptr); }  // len > 0: see 'inbuf'
        else if (partial) {
          // A message receive (mrecvl, udp_recvl): rc bytes, in list order.
          const at = offset;
          m.after.push((rc) => {
            const k = Math.min(len, rc - at);
            if (k > 0 && base.byteLength >= k) base.set(this.heap.u8.subarray(ptr, ptr + k));
          });
        } else m.after.push((rc) => { if (rc === -1) return; if (len > 0 && base.byteLength >= len) base.set(this.heap.u8.subarray(ptr, ptr + len)); });
      }
      offset += len;
      const n = nodes + IOLIST_SIZE * i;
      this.heap.i32[(n + IOLIST_BASE) >> 2] = ptr;
      this.heap.i32[(n + IOLIST_LEN) >> 2] = len;
      this.heap.i32[(n + IOLIST_NEXT) >> 2] = i + 1 < vecs.length ? nodes + IOLIST_SIZE * (i + 1) : 0;
      this.heap.i32[(n + IOLIST_RSVD) >> 2] = 0;
    }
    return [nodes, nodes + IOLIST_SIZE * (vecs.length - 1)];
  }

  /** Builds C chclauses; the pointer, or -1 if out of memory. */
  private clauses(fn: string, v: unknown, nclauses: unknown, m: Marshalled): number {
    if (!Array.isArray(v)) throw bad(fn, 'clauses', 'must be an array of { op, ch, val, len } or null');
    const cls = v as ChClause[];
    // C reads nclauses clauses: more than the array holds would make it read
    // past the block built here (whatever the heap holds there).
    if (typeof nclauses === 'number' && nclauses > cls.length) {
      throw bad(fn, 'clauses', `has ${cls.length} clause(s) but nclauses is ${nclauses}`);
    }
    const arr = this.alloc(m, Math.max(CHCLAUSE_SIZE * cls.length, CHCLAUSE_SIZE));
    if (!arr) return -1;
    for (let i = 0; i < cls.length; i++) {
      const c = cls[i];
      if (!c || typeof c !== 'object') throw bad(fn, `clauses[${i}]`, 'must be { op, ch, val, len }');
      for (const k of ['op', 'ch'] as const) {
        if (typeof c[k] !== 'number' || !Number.isInteger(c[k]) || c[k] < INT_MIN || c[k] > INT_MAX) {
          throw bad(fn, `clauses[${i}].${k}`, 'must be an integer in the range of a C int');
        }
      }
      if (typeof c.len !== 'number' || !Number.isInteger(c.len) || c.len < 0 || c.len > SIZE_MAX) {
        throw bad(fn, `clauses[${i}].len`, 'must be a length');
      }
      if (c.val !== null && !(c.val instanceof Uint8Array)) throw bad(fn, `clauses[${i}].val`, 'must be a Uint8Array or null');
      if (c.val && c.len > c.val.byteLength) throw bad(fn, `clauses[${i}].val`, `has ${c.val.byteLength} bytes but len is ${c.len}`);
      let ptr = 0;
      if (c.val) {
        ptr = this.alloc(m, Math.max(c.len, 1));
        if (!ptr) return -1;
        if (c.len > 0) this.heap.u8.set(c.val.subarray(0, c.len), ptr);  // c.len > 0: see 'inbuf'
        const val = c.val, len = c.len, index = i;
        m.after.push((rc) => {
          if (rc !== index || cls[index].op !== 2) return;
          if (len > 0 && val.byteLength >= len) val.set(this.heap.u8.subarray(ptr, ptr + len));
        });
      }
      const n = arr + CHCLAUSE_SIZE * i;
      this.heap.i32[(n + CHCLAUSE_OP) >> 2] = c.op;
      this.heap.i32[(n + CHCLAUSE_CH) >> 2] = c.ch;
      this.heap.i32[(n + CHCLAUSE_VAL) >> 2] = ptr;
      this.heap.i32[(n + CHCLAUSE_LEN) >> 2] = c.len;
    }
    return arr;
  }

  /** The value a pointer result `p` stands for. */
  pointee(desc: CallDesc, p: number): string | Uint8Array | null {
    if (!p) return null;
    if (desc.ret === 'string') return this.heap.cString(p);
    // A struct sockaddr inside an ipaddr: as many bytes as ipaddr_len says
    // (the whole struct ipaddr for a family it does not know).
    const family = this.heap.u8[p] | (this.heap.u8[p + 1] << 8);
    const len = family === AF_INET ? SOCKADDR_IN_SIZE : family === AF_INET6 ? SOCKADDR_IN6_SIZE : IPADDR_SIZE;
    return this.heap.u8.slice(p, p + len);
  }
}
