/**
 * Errors of the idiomatic layer: {@link DillError}, what a failing library
 * call throws instead of C's -1 and errno, and the names of errno numbers.
 */

/**
 * A library call failed: what C reports with -1 and errno.
 *
 * Shaped like Node's system errors: `err.code` is the errno name
 * (`'EPIPE'`), `err.errno` its number in this library build (the value of
 * `dill.EPIPE` in the C-faithful API, not Node's negative libuv numbers),
 * `err.syscall` the C function that failed (`'ipc_done'`), and the message
 * reads `ipc_done: EPIPE: Broken pipe` (the text is C's strerror).
 */
export class DillError extends Error {
  /** The errno name, e.g. `'EPIPE'` (`'E<number>'` for a number this build has no name for). */
  readonly code: string;
  /** The errno number of this build (e.g. `dill.EPIPE`). */
  readonly errno: number;
  /** The C function that failed, e.g. `'brecv'`. */
  readonly syscall: string;
  /**
   * What caused it, where there is something: the exception thrown by
   * TypeScript code the library called for this call (a socket written in
   * TypeScript that threw a DillError, which gave this one its code), as
   * `new Error(message, { cause })` sets it. Absent otherwise.
   */
  declare cause?: unknown;

  /**
   * @param syscall The C function that failed.
   * @param errno Its errno.
   * @param code The errno name.
   * @param description The errno text (strerror).
   * @param options `cause`: what caused it (as Error's).
   */
  constructor(syscall: string, errno: number, code: string, description: string, options?: { cause?: unknown }) {
    super(`${syscall}: ${code}: ${description}`);
    this.name = 'DillError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (options && 'cause' in options) setCause(this, options.cause);
  }
}

/** errno names that share a number: the name reported. */
const PREFERRED = new Set(['EAGAIN', 'ENOTSUP', 'EDEADLK']);

/** errno number -> its name, from the library's table of names (`api.errnos`). @internal */
export function errnoNames(errnos: { readonly [name: string]: number }): Map<number, string> {
  const names = new Map<number, string>();
  for (const [name, num] of Object.entries(errnos)) {
    if (!names.has(num) || PREFERRED.has(name)) names.set(num, name);
  }
  return names;
}

/** Whether `e` is a DillError EPIPE (the end of what the peer sends). @internal */
export function isEpipe(e: unknown): boolean {
  return e instanceof DillError && e.code === 'EPIPE';
}

/**
 * Gives `err` its `cause`, as `new Error(message, { cause })` does (an own,
 * non-enumerable property); returns `err`.
 * @internal
 */
export function setCause<E extends Error>(err: E, cause: unknown): E {
  Object.defineProperty(err, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
  return err;
}
