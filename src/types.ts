/**
 * Types shared by the generated C-faithful layer (src/gen/api.ts) and the
 * runtime that implements it (src/host.ts).
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
