/**
 * IPC, unix sockets (C's ipc_*): {@link IpcListener} and {@link IpcSocket}.
 */
import { CallOptions, deadlineOf } from './calls';
import { Handle } from './handle';
import { ByteStream } from './bytestream';
import type { Dill } from './dill';

/** A listening unix socket (C's ipc_listen), made by {@link Dill.ipcListen}. */
export class IpcListener extends Handle {
  /** The socket path it listens on (null if made from a descriptor). */
  readonly path: string | null;

  /**
   * Takes ownership of listener handle `handle`.
   * @param path Its socket path, if known.
   */
  constructor(dill: Dill, handle: number, path: string | null = null) {
    super(dill, handle);
    this.path = path;
  }

  /**
   * Waits for and accepts the next connection (C's ipc_accept).
   * @throws DillError ETIMEDOUT, ECANCELED.
   */
  async accept(opts?: CallOptions): Promise<IpcSocket> {
    const h = await this.dill._call('ipc_accept', [this.handle, deadlineOf(opts)], opts, this);
    return new IpcSocket(this.dill, h);
  }
}

/**
 * A connected unix socket (C's ipc_*): a {@link ByteStream} that can also
 * pass descriptors between sockets of this program.
 */
export class IpcSocket extends ByteStream {
  /** @internal */
  protected get doneCall(): string { return 'ipc_done'; }
  /** @internal */
  protected get closeCall(): string { return 'ipc_close'; }
  /** @internal */
  _rewrap(h: number): IpcSocket { return new IpcSocket(this.dill, h); }

  /**
   * Sends descriptor `fd` (C's ipc_sendfd: one byte carrying it). Works
   * between sockets of this program; to another process it fails with
   * ENOTSUP.
   */
  async sendfd(fd: number, opts?: CallOptions): Promise<void> {
    await this.dill._call('ipc_sendfd', [this.handle, fd, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives a descriptor sent with sendfd (C's ipc_recvfd): the new
   * descriptor number, e.g. for {@link Dill.ipcFromFd}.
   * @throws DillError EPROTO if a plain byte came instead; EBUSY while a
   *   chunk iterator has a read pending.
   */
  async recvfd(opts?: CallOptions): Promise<number> {
    if (this.ahead && !this.closed) throw this.dill.error('ipc_recvfd', this.dill.api.EBUSY);
    return this.dill._call('ipc_recvfd', [this.handle, deadlineOf(opts)], opts, this);
  }
}
