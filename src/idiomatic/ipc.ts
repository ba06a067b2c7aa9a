/**
 * IPC, unix sockets (C's ipc_*): {@link IpcListener} and {@link IpcSocket}.
 */
import * as fs from 'fs';
import * as nodePath from 'path';
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { Handle } from './handle';
import { ByteStream } from './bytestream';
import type { Dill } from './dill';

/** A listening unix socket (C's ipc_listen), made by {@link Dill.ipcListen}. */
export class IpcListener extends Handle implements AsyncIterable<IpcSocket> {
  /** The socket path it listens on (null if made from a descriptor). */
  readonly path: string | null;
  /**
   * Whether closing the listener (close(), `using`, `await using`) removes
   * its socket file, if the file at `path` is still this listener's socket
   * (see {@link Dill.ipcListen}). False by default: the file stays, as C's
   * ipc_listen leaves it.
   */
  readonly unlinkOnClose: boolean;
  /** The socket file to remove on close: its absolute path and identity. */
  private readonly socketFile: { path: string; dev: number; ino: number } | null = null;

  /**
   * Takes ownership of listener handle `handle`.
   * @param path Its socket path, if known.
   * @param opts `unlinkOnClose`: remove the socket file at `path` on close.
   */
  constructor(dill: Dill, handle: number, path: string | null = null, opts?: { unlinkOnClose?: boolean }) {
    super(dill, handle);
    this.path = path;
    this.unlinkOnClose = !!opts?.unlinkOnClose;
    // An abstract name ('\0...') has no file. The file is known by its
    // identity so that closing never removes another program's socket
    // made at the same path since.
    if (this.unlinkOnClose && path && path[0] !== '\0') {
      const abs = nodePath.resolve(path);
      try {
        const st = fs.lstatSync(abs);
        this.socketFile = { path: abs, dev: st.dev, ino: st.ino };
      } catch {
        // No file there (removed already): nothing to remove on close.
      }
    }
  }

  /**
   * Closes the listener (C's hclose; see {@link Handle.close}); with
   * `unlinkOnClose`, then removes its socket file if that is still its
   * own (failing to remove it is not an error).
   */
  close(): void {
    const open = !this.closed;
    try {
      super.close();
    } finally {
      if (open) this.removeSocketFile();
    }
  }

  private removeSocketFile(): void {
    const f = this.socketFile;
    if (!f) return;
    try {
      const st = fs.lstatSync(f.path);
      if (st.isSocket() && st.dev === f.dev && st.ino === f.ino) fs.unlinkSync(f.path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }

  /**
   * Waits for and accepts the next connection (C's ipc_accept).
   * @throws DillError ETIMEDOUT, ECANCELED.
   */
  async accept(opts?: CallOptions): Promise<IpcSocket> {
    const h = await this.dill._call('ipc_accept', [this.handle, deadlineOf(opts)], opts, this);
    return new IpcSocket(this.dill, h);
  }

  /**
   * The connections accepted, one by one, until the listener is closed
   * (which ends the iteration quietly, even while it waits); other errors
   * are thrown. The deadline applies to the whole iteration.
   */
  connections(opts?: CallOptions): AsyncGenerator<IpcSocket, void, undefined> {
    return receiveUntil(() => this.accept(opts), () => this.closed);
  }

  /** `for await (const conn of listener)`: {@link IpcListener.connections} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<IpcSocket> {
    return this.connections();
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
   * @throws DillError EPROTO if a plain byte came instead.
   */
  async recvfd(opts?: CallOptions): Promise<number> {
    return this.dill._call('ipc_recvfd', [this.handle, deadlineOf(opts)], opts, this);
  }
}
