/**
 * Sockets written in TypeScript (C's hmake with a bsock or msock interface):
 * what their implementation provides ({@link ByteStreamImpl},
 * {@link MessageSocketImpl}), the C interface made of it, and their objects
 * ({@link CustomByteStream}, {@link CustomMessageSocket}).
 */
import type { BsockVfs, ImplIoVec, MsockVfs } from '../types';
import { CallOptions, deadlineOf } from './calls';
import { ByteStream } from './bytestream';
import { MessageSocket } from './message';
import type { Dill } from './dill';

/** What the functions of a socket written in TypeScript get: pass them on to the calls they make. */
export interface LayerCallOptions {
  /** The caller's deadline (ms on the {@link Dill.now} clock; -1: none). */
  deadline: number;
  /** Aborts when the caller gives up (its deadline passed, it was canceled). */
  signal: AbortSignal;
}

/** A bytestream written in TypeScript: see {@link Dill.byteStream}. */
export interface ByteStreamImpl {
  /** Sends all of `data` (what bsend/bsendl were given, in one buffer). */
  send(data: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /** Fills all of `buf` (brecv/brecvl's buffers, skipped bytes included). */
  recv(buf: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /** Half-closes ({@link CustomByteStream.done}); without it done() fails with ENOTSUP. */
  done?(opts: LayerCallOptions): void | Promise<void>;
  /** Releases what it holds (hclose of its handle: once). */
  close(): void;
  /** Answers {@link Handle.query} for types of your own (null: ENOTSUP). It must not call the library. */
  query?(type: unknown): unknown;
}

/** A message socket written in TypeScript: see {@link Dill.messageSocket}. */
export interface MessageSocketImpl {
  /** Sends `msg` as one message. */
  send(msg: Uint8Array, opts: LayerCallOptions): void | Promise<void>;
  /**
   * The next message. `maxSize` is the room of the caller's buffers: a
   * longer message fails the caller's receive with EMSGSIZE (throw that
   * yourself to keep the message).
   */
  recv(opts: LayerCallOptions & { maxSize: number }): Uint8Array | Promise<Uint8Array>;
  /** Releases what it holds (hclose of its handle: once). */
  close(): void;
  /** Answers {@link Handle.query} for types of your own (null: ENOTSUP). It must not call the library. */
  query?(type: unknown): unknown;
}

/** The bytes of an iolist being sent, in one buffer. */
function gather(iol: ImplIoVec[]): Uint8Array {
  if (iol.length === 1 && iol[0] instanceof Uint8Array) return iol[0];
  return Buffer.concat(iol.map((v) => (v instanceof Uint8Array ? v : new Uint8Array(v.len))));
}

/** The room of an iolist being received into. */
function roomOf(iol: ImplIoVec[]): number {
  let n = 0;
  for (const v of iol) n += v instanceof Uint8Array ? v.byteLength : v.len;
  return n;
}

/** Copies `data` into an iolist being received into, in order (skipped elements drop their bytes). */
function scatter(iol: ImplIoVec[], data: Uint8Array): void {
  let off = 0;
  for (const v of iol) {
    if (off >= data.byteLength) break;
    if (v instanceof Uint8Array) v.set(data.subarray(off, off + v.byteLength));
    off += v instanceof Uint8Array ? v.byteLength : v.len;
  }
}

/** The C bytestream interface of `impl`. @internal */
export function bsockOf(impl: ByteStreamImpl): BsockVfs {
  return {
    async bsendl(iol, deadline, signal) {
      await impl.send(gather(iol), { deadline, signal });
      return 0;
    },
    async brecvl(iol, deadline, signal) {
      if (iol.length === 1 && iol[0] instanceof Uint8Array) {
        await impl.recv(iol[0], { deadline, signal });
        return 0;
      }
      const buf = new Uint8Array(roomOf(iol));
      await impl.recv(buf, { deadline, signal });
      scatter(iol, buf);
      return 0;
    },
  };
}

/** The C message interface of `impl`. @internal */
export function msockOf(impl: MessageSocketImpl): MsockVfs {
  return {
    async msendl(iol, deadline, signal) {
      await impl.send(gather(iol), { deadline, signal });
      return 0;
    },
    async mrecvl(iol, deadline, signal) {
      const msg = await impl.recv({ deadline, signal, maxSize: roomOf(iol) });
      if (!(msg instanceof Uint8Array)) throw new TypeError(`a message socket's recv must return a Uint8Array, got ${typeof msg}`);
      // Longer than the room: the library answers EMSGSIZE.
      scatter(iol, msg);
      return msg.byteLength;
    },
  };
}

/**
 * hmake for `impl` (checked first), whose interface of C type `kind` is
 * `vfs`: the handle of a socket written in TypeScript.
 * @internal
 */
export function hmakeOf(dill: Dill, impl: ByteStreamImpl | MessageSocketImpl, kind: 'bsock_type' | 'msock_type', vfs: BsockVfs | MsockVfs): number {
  if (!impl || typeof impl !== 'object') throw new TypeError(`${kind === 'bsock_type' ? 'byteStream' : 'messageSocket'}: impl must be an object`);
  for (const f of ['send', 'recv', 'close'] as const) {
    if (typeof impl[f] !== 'function') throw new TypeError(`${kind === 'bsock_type' ? 'byteStream' : 'messageSocket'}: impl.${f} must be a function`);
  }
  const type = dill.api[kind];
  const h = dill.api.hmake({
    query: (t) => (t === type ? vfs : impl.query ? impl.query(t) ?? null : null),
    close: () => impl.close(),
  });
  if (h < 0) throw dill.error('hmake');
  return h;
}

/** The options a TypeScript socket's function gets for a call made with `opts`. */
function layerOpts(opts: CallOptions | undefined): LayerCallOptions {
  return { deadline: deadlineOf(opts), signal: opts?.signal ?? new AbortController().signal };
}

/**
 * A bytestream socket written in TypeScript ({@link Dill.byteStream}): a
 * {@link ByteStream} like the others, whose done() is its implementation's.
 */
export class CustomByteStream extends ByteStream {
  /** What it runs. */
  readonly impl: ByteStreamImpl;

  /** Called by {@link Dill.byteStream}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, impl: ByteStreamImpl) {
    super(dill, handle);
    this.impl = impl;
  }

  /** @internal */
  protected get doneCall(): string { return 'done'; }
  /** @internal */
  protected get closeCall(): string { return 'close'; }
  /** @internal */
  _rewrap(h: number): CustomByteStream { return new CustomByteStream(this.dill, h, this.impl); }

  /**
   * Half-closes: the implementation's done().
   * @throws DillError ENOTSUP if it has none; what it throws.
   */
  override async done(opts?: CallOptions): Promise<void> {
    this.dill._precheck('done', opts, this);
    if (!this.impl.done) throw this.dill.error('done', this.dill.api.ENOTSUP);
    await this.impl.done(layerOpts(opts));
  }

  /**
   * Runs the implementation's done() (if it has one), then closes; the
   * handle is closed even when done() fails.
   */
  override async closeGracefully(opts?: CallOptions): Promise<void> {
    this.dill._precheck('close', opts, this);
    const h = this.relinquish();
    try {
      if (this.impl.done) await this.impl.done(layerOpts(opts));
    } finally {
      this.dill.api.hclose(h);
    }
  }
}

/** A message socket written in TypeScript ({@link Dill.messageSocket}). */
export class CustomMessageSocket extends MessageSocket {
  /** What it runs. */
  readonly impl: MessageSocketImpl;

  /** Called by {@link Dill.messageSocket}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, impl: MessageSocketImpl) {
    super(dill, handle);
    this.impl = impl;
  }

  /** @internal */
  _rewrap(h: number): CustomMessageSocket { return new CustomMessageSocket(this.dill, h, this.impl); }
}
