/**
 * TCP (C's tcp_*): {@link TcpListener} and {@link TcpSocket}.
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { Handle } from './handle';
import { ByteStream } from './bytestream';
import { IpAddress } from './ip';
import type { Dill } from './dill';

/** A listening TCP socket (C's tcp_listen), made by {@link Dill.tcpListen}. */
export class TcpListener extends Handle implements AsyncIterable<TcpSocket<IpAddress>> {
  /** The address it listens on, with the port the system chose if 0 was asked (null if made from a descriptor). */
  readonly address: IpAddress | null;

  /**
   * Takes ownership of listener handle `handle`.
   * @param address Its local address, if known.
   */
  constructor(dill: Dill, handle: number, address: IpAddress | null = null) {
    super(dill, handle);
    this.address = address;
  }

  /** The port it listens on (-1 if unknown). */
  get port(): number {
    return this.address ? this.address.port : -1;
  }

  /**
   * Waits for and accepts the next connection (C's tcp_accept); its
   * {@link TcpSocket.remote} is the peer's address.
   * @throws DillError ETIMEDOUT, ECANCELED.
   */
  async accept(opts?: CallOptions): Promise<TcpSocket<IpAddress>> {
    const peer = this.dill.api.ipaddr();
    const h = await this.dill._call('tcp_accept', [this.handle, peer, deadlineOf(opts)], opts, this);
    let remote: IpAddress;
    try {
      remote = new IpAddress(this.dill, peer);   // tcp_accept always fills it in
    } catch (e) {
      this.dill.api.hclose(h);
      throw e;
    }
    return new TcpSocket(this.dill, h, remote);
  }

  /**
   * The connections accepted, one by one, until the listener is closed
   * (which ends the iteration); other errors are thrown. The deadline
   * applies to the whole iteration.
   */
  connections(opts?: CallOptions): AsyncGenerator<TcpSocket<IpAddress>, void, undefined> {
    return receiveUntil(() => this.accept(opts), () => this.closed);
  }

  /** `for await (const conn of listener)`: {@link TcpListener.connections} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<TcpSocket<IpAddress>> {
    return this.connections();
  }
}

/**
 * A TCP connection (C's tcp_* and bsend/brecv): see {@link ByteStream}.
 *
 * `Remote` says whether the peer's address is known: {@link Dill.tcpConnect}
 * and {@link TcpListener.accept} give a `TcpSocket<IpAddress>`, whose
 * `remote` is never null; {@link Dill.happyEyeballs} and
 * {@link Dill.tcpFromFd}, which cannot know it, a `TcpSocket<null>`. A plain
 * `TcpSocket` is either.
 */
export class TcpSocket<Remote extends IpAddress | null = IpAddress | null> extends ByteStream {
  /** The peer's address (null if unknown: made by happy eyeballs or from a descriptor). */
  readonly remote: Remote;

  /**
   * Takes ownership of TCP socket handle `handle`.
   * @param remote The peer's address, if known (may be left out only
   *   where `Remote` allows null).
   */
  constructor(dill: Dill, handle: number, ...remote: null extends Remote ? [remote?: Remote] : [remote: Remote]);
  constructor(dill: Dill, handle: number, remote: Remote | null = null) {
    super(dill, handle);
    if (remote !== null && !(remote instanceof IpAddress)) throw new TypeError('TcpSocket: remote must be an IpAddress or null');
    this.remote = remote as Remote;
  }

  /** @internal */
  protected get doneCall(): string { return 'tcp_done'; }
  /** @internal */
  protected get closeCall(): string { return 'tcp_close'; }
  /** @internal */
  _rewrap(h: number): TcpSocket<Remote> { return new TcpSocket<IpAddress | null>(this.dill, h, this.remote) as TcpSocket<Remote>; }
}
