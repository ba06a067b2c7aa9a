/**
 * The API object of one loaded library instance (CApi): every C function
 * of the header (src/gen/api.ts) under its name and its dill_ name, run by
 * the Host, plus what TypeScript needs besides (go, hmake, storage...).
 */
import { CALLS, CONSTANTS, CallDesc, GeneratedApi, GeneratedConstants, IPADDR_SIZE } from '../gen/api';
import { AF_INET, AF_INET6 } from '../gen/boundary';
import type { HVfs, IpAddr, Storage } from '../types';
import type { Host } from './host';
import { INT_MAX, SIZE_MAX, bad } from './marshal';
import type { CoroutineFn } from './tasks';

/** The C-faithful API of one loaded library instance. */
export interface CApi extends GeneratedApi, GeneratedConstants {
  /**
   * errno of the calling coroutine after its last call.  Settable, as in C:
   * the functions of a TypeScript-made handle (hmake) fail by setting it
   * and returning -1.
   */
  errno: number;
  /**
   * Makes a handle for an object written in TypeScript (C's hmake, from
   * libdillimpl.h): `vfs.query(type)` answers hquery, and returns a
   * {@link BsockVfs} for `bsock_type` or a {@link MsockVfs} for
   * `msock_type`, which makes bsend/brecv... or msend/mrecv... (from
   * TypeScript and from C, e.g. prefix_attach) call it; `vfs.close()` runs
   * at hclose.  -1 with errno EINVAL (null, or no query or close),
   * ECANCELED, ENOMEM.
   */
  hmake(vfs: HVfs | null): number;
  dill_hmake(vfs: HVfs | null): number;
  /**
   * C's hquery: for a handle made by hmake, what its `query` returns for
   * `type` (any value: a symbol of your own, bsock_type...); for a handle
   * made in C, the address of its interface `type` (bsock_type,
   * msock_type) as a number.  null with errno EBADF or ENOTSUP (or what
   * `query` set).
   */
  hquery(h: number, type: unknown): unknown;
  dill_hquery(h: number, type: unknown): unknown;
  /** C's dill_bsock_type: the type of the bytestream interface. */
  readonly bsock_type: number;
  readonly dill_bsock_type: number;
  /** C's dill_msock_type: the type of the message interface. */
  readonly msock_type: number;
  readonly dill_msock_type: number;
  /** C's strerror(). */
  strerror(errnum: number): string;
  /** The errno constants of this build (EPIPE, ECANCELED...). */
  readonly errnos: { readonly [name: string]: number };
  /**
   * Runs `fn` as a coroutine; returns its handle (or -1 with errno).
   * `hclose(h)` cancels every pending and later blocking library call made
   * inside it (they complete with -1/ECANCELED).
   */
  go(fn: CoroutineFn): number;
  dill_go(fn: CoroutineFn): number;
  /** Like go(): `mem`/`len` are checked as in C, but a TS coroutine needs no C stack. */
  go_mem(fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  dill_go_mem(fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  /** Runs `fn` as a coroutine in bundle `bndl`; 0 or -1 with errno. */
  bundle_go(bndl: number, fn: CoroutineFn): number;
  dill_bundle_go(bndl: number, fn: CoroutineFn): number;
  bundle_go_mem(bndl: number, fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  dill_bundle_go_mem(bndl: number, fn: CoroutineFn, mem: Uint8Array | null, len: number): number;
  /** Memory for a `_mem` function, e.g. storage('ipc_storage'). */
  storage<K extends string>(kind: K): Storage<K>;
  /** A fresh zeroed `struct ipaddr` (an {@link IpAddr}: IPADDR_SIZE bytes) for the ipaddr_* functions to fill. */
  ipaddr(): IpAddr;
  /** sizeof(struct ipaddr): the byte length every IpAddr must have. */
  readonly IPADDR_SIZE: number;
  readonly CHSEND: number;
  readonly CHRECV: number;
  readonly IPADDR_IPV4: number;
  readonly IPADDR_IPV6: number;
  readonly IPADDR_PREF_IPV4: number;
  readonly IPADDR_PREF_IPV6: number;
  /** The room ipaddr_str needs in its buffer (with the NUL). */
  readonly IPADDR_MAXSTRLEN: number;
  /** What ipaddr_family returns for IPv4 (musl's AF_INET, 2). */
  readonly AF_INET: number;
  /** What ipaddr_family returns for IPv6 (musl's AF_INET6, 10). */
  readonly AF_INET6: number;
  /** Each errno constant of this build, e.g. EPIPE. */
  readonly [errnoName: `E${string}`]: number;
}

/** The Host behind a CApi object (for the idiomatic layer). */
export const HOST = Symbol('libdill-wasm host');

/** The Host of an API object made by makeApi. */
export function hostOf(api: CApi): Host {
  const h = (api as unknown as { [HOST]?: Host })[HOST];
  if (!h) throw new TypeError('not a libdill-wasm API object (use load())');
  return h;
}

/** The description of C function `name` (from the generated table). */
const CALLS_BY_NAME = new Map(CALLS.map((c) => [c.name, c]));

export function callDesc(name: string): CallDesc {
  const d = CALLS_BY_NAME.get(name);
  if (!d) throw new Error(`no C function '${name}'`);
  return d;
}

/** Builds the C-faithful API object of a Host. */
export function makeApi(host: Host): CApi {
  const api: { [name: string]: unknown } = {};
  Object.defineProperty(api, HOST, { value: host });
  for (const desc of CALLS) {
    // (No blocking call returns a pointer: the generator would need
    // callAsync to convert it too.)
    if (desc.async && (desc.ret === 'string' || desc.ret === 'sockaddr')) {
      throw new Error(`${desc.name}: a blocking call returning a pointer is not supported`);
    }
    // (A callback finds its function through the pending call's block.)
    if (!desc.async && desc.params.some((p) => p.kind === 'auth')) {
      throw new Error(`${desc.name}: a non-blocking call taking a callback is not supported`);
    }
    const f = desc.async
      ? (...args: unknown[]) => host.callAsync(desc, args)
      : desc.ret === 'void'
        ? (...args: unknown[]) => { host.callSync(desc, args); }
        : desc.ret === 'string' || desc.ret === 'sockaddr'
          ? (...args: unknown[]) => host.callSyncPtr(desc, args)
          : (...args: unknown[]) => host.callSync(desc, args);
    Object.defineProperty(f, 'name', { value: desc.name });
    api[desc.name] = f;
    if (!desc.ext) api[`dill_${desc.name}`] = f;
  }
  const memCheck = (name: string, mem: Uint8Array | null, len: number): boolean => {
    if (mem !== null && !(mem instanceof Uint8Array)) throw bad(name, 'mem', 'must be a Uint8Array or null');
    if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || len > SIZE_MAX) throw bad(name, 'len', 'must be a length');
    if (mem && len > mem.byteLength) throw bad(name, 'mem', `has ${mem.byteLength} bytes but len is ${len}`);
    return true;
  };
  const bundleDesc = callDesc('bundle');
  const hcloseDesc = callDesc('hclose');
  const go = (fn: CoroutineFn): number => {
    if (typeof fn !== 'function') throw new TypeError('go: fn must be a function');
    const b = host.callSync(bundleDesc, []);
    if (b < 0) return -1;
    if (host.bundleGo(b, fn, 'go') < 0) {
      const err = host.ctx().errno;
      host.callSync(hcloseDesc, [b]);
      host.ctx().errno = err;
      return -1;
    }
    return b;
  };
  const extra: { [name: string]: unknown } = {
    go,
    go_mem: (fn: CoroutineFn, mem: Uint8Array | null, len: number) => (memCheck('go_mem', mem, len), go(fn)),
    bundle_go: (b: number, fn: CoroutineFn) => host.bundleGo(b, fn, 'bundle_go'),
    bundle_go_mem: (b: number, fn: CoroutineFn, mem: Uint8Array | null, len: number) =>
      (memCheck('bundle_go_mem', mem, len), host.bundleGo(b, fn, 'bundle_go_mem')),
  };
  for (const [k, v] of Object.entries(extra)) {
    api[k] = v;
    api[`dill_${k}`] = v;
  }
  api.strerror = (e: number) => host.strerror(e);
  api.hmake = api.dill_hmake = (vfs: HVfs | null) => host.hmake(vfs);
  api.hquery = api.dill_hquery = (h: number, type: unknown) => host.hquery(h, type);
  api.bsock_type = api.dill_bsock_type = host.bsockType;
  api.msock_type = api.dill_msock_type = host.msockType;
  api.storage = <K extends string>(kind: K) => host.storage(kind);
  api.ipaddr = () => host.ipaddr();
  api.errnos = Object.freeze({ ...host.errnoCodes });
  for (const [k, v] of Object.entries(host.errnoCodes)) api[k] = v;
  for (const [k, v] of Object.entries(CONSTANTS)) api[k] = v;
  api.IPADDR_SIZE = IPADDR_SIZE;
  api.AF_INET = AF_INET;
  api.AF_INET6 = AF_INET6;
  Object.defineProperty(api, 'errno', {
    get: () => host.errno,
    set: (v: unknown) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT_MAX) throw bad('errno', 'value', `must be an errno (a non-negative integer), got ${String(v)}`);
      host.ctx().errno = v;
    },
    enumerable: true,
  });
  return api as unknown as CApi;
}
