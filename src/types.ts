/**
 * Types shared by the generated C-faithful layer (src/gen/api.ts) and the
 * runtime that implements it (src/host/).
 */

/**
 * One element of an iolist (C's `struct iolist`): a buffer, or
 * `{ base, len }` where a `null` base with a length skips that many bytes
 * (brecvl) as a NULL `iol_base` does in C.
 */
export type IoVec = Uint8Array | { base: Uint8Array | null; len: number };

/**
 * An iolist: C's linked list of `struct iolist` as an array.  An empty array
 * is C's empty list (EINVAL).
 */
export type IoList = readonly IoVec[];

/** One clause of `choose` (C's `struct chclause`). */
export interface ChClause {
  /** CHSEND or CHRECV. */
  op: number;
  /** The channel handle. */
  ch: number;
  /** The message to send, or the buffer to receive into (`null`: NULL). */
  val: Uint8Array | null;
  /** Its length in bytes. */
  len: number;
}

/**
 * Memory in the library's heap for one of the `_mem` functions (C's
 * `struct ipc_storage` and friends), made by `storage(kind)`.  Like the C
 * storage it must outlive the handle made in it; `free()` gives it back.
 */
export interface Storage<K extends string = string> {
  readonly kind: K;
  /** Address in the library's heap (0 once freed). */
  readonly ptr: number;
  readonly size: number;
  free(): void;
}

/**
 * An IP address (C's `struct ipaddr`, opaque): a `Uint8Array` of exactly
 * `IPADDR_SIZE` (32) bytes, made by `ipaddr()` and filled by `ipaddr_local`,
 * `ipaddr_remote`, `tcp_accept`, `udp_recv`... Functions taking a
 * non-const `struct ipaddr *` write it back in place (unless they fail).
 * Any other size is refused with a TypeError before C sees it.
 */
export type IpAddr = Uint8Array;

/**
 * C's `int *` out-parameter (`ws_recv`'s flags, `ws_status`'s status,
 * `socks5_proxy_recvcommandbyname`'s port): an `Int32Array` of at least one
 * element (or a plain array) whose element 0 is the `int`.  C sees element 0
 * as it is and whatever C leaves there is written back, as through a
 * pointer.
 */
export type IntOut = Int32Array | number[];

/**
 * `socks5_proxy_auth`'s `auth_fn`: called synchronously, from inside the
 * proxy's call, with the username and password the client sent (each
 * decoded as UTF-8; credentials that are not valid UTF-8 are refused
 * without calling it).  `true` or a nonzero number accepts them.  It must
 * not call into the library (any call throws); if it throws, the client is
 * refused and the call's Promise rejects with that exception.
 */
export type Socks5AuthFn = (username: string, password: string) => boolean | number;

/**
 * An iolist element as the functions of a TypeScript-made handle get it:
 * a `Uint8Array` (a copy of the bytes to send, or a zeroed buffer to fill
 * when receiving) or `{ base: null, len }` (C's NULL base: bytes to skip).
 */
export type ImplIoVec = Uint8Array | { base: null; len: number };

/**
 * What `hmake` makes a handle of (C's `struct hvfs`). `query(type)`
 * answers `hquery` and the library's own lookups: return a {@link BsockVfs}
 * for `bsock_type`, a {@link MsockVfs} for `msock_type`, anything for a
 * type of your own, and `null` for the rest (ENOTSUP, or set `errno`
 * first). It must not call the library. `close()` runs once, at `hclose`
 * (it may close the handles the object holds).
 */
export interface HVfs {
  query(type: unknown): unknown;
  close(): void;
}

/**
 * The bytestream interface of a TypeScript-made handle (C's
 * `struct bsock_vfs`): `bsend`, `bsendl`, `brecv`, `brecvl` on the handle,
 * from TypeScript or C, call these. Each returns 0 or -1 (with `errno` set,
 * or left as the failed library call set it), or a Promise of it;
 * throwing a `DillError` fails with its errno. `brecvl` fills every
 * buffer of `iol` and skips the `{ base: null }` elements. `deadline` is
 * C's (ms, -1 none); the caller gives up at it anyway, and then, or when
 * the caller is canceled, `signal` aborts and the library calls this
 * function started fail with ECANCELED.
 */
export interface BsockVfs {
  bsendl(iol: ImplIoVec[], deadline: number, signal: AbortSignal): number | Promise<number>;
  brecvl(iol: ImplIoVec[], deadline: number, signal: AbortSignal): number | Promise<number>;
}

/**
 * The message interface of a TypeScript-made handle (C's
 * `struct msock_vfs`), as {@link BsockVfs} for `msend`, `msendl`, `mrecv`,
 * `mrecvl`: `msendl` returns 0 or -1; `mrecvl` returns the size of the
 * message received (its bytes written into `iol` in order, as many as fit)
 * or -1 (e.g. EMSGSIZE if it does not fit).
 */
export interface MsockVfs {
  msendl(iol: ImplIoVec[], deadline: number, signal: AbortSignal): number | Promise<number>;
  mrecvl(iol: ImplIoVec[], deadline: number, signal: AbortSignal): number | Promise<number>;
}
