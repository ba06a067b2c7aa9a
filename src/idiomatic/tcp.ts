/**
 * TCP (C's tcp_*): {@link TcpListener} and {@link TcpSocket}.
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { Handle } from './handle';
import { ByteStream } from './bytestream';
import { IpAddress } from './ip';
import type { Dill } from './dill';

/** A listening TCP socket (C's tcp_listen), made by {@link Dill.tcpListen}. */
export class TcpListener extends Handle implements AsyncIterable<TcpSocket> {
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
  async accept(opts?: CallOptions): Promise<TcpSocket> {
    const peer = this.dill.api.ipaddr();
    const h = await this.dill._call('tcp_accept', [this.handle, peer, deadlineOf(opts)], opts, this);
    return new TcpSocket(this.dill, h, this.dill.api.ipaddr_family(peer) < 0 ? null : new IpAddress(this.dill, peer));
  }

  /**
   * The connections accepted, one by one, until the listener is closed
   * (which ends the iteration); other errors are thrown. The deadline
   * applies to the whole iteration.
   */
  connections(opts?: CallOptions): AsyncGenerator<TcpSocket, void, undefined> {
    return receiveUntil(() => this.accept(opts), () => this.closed);
  }

  /** `for await (const conn of listener)`: {@link TcpListener.connections} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<TcpSocket> {
    return this.connections();
  }
}

/** A TCP connection (C's tcp_* and bsend/brecv): see {@link ByteStream}. */
export class TcpSocket extends ByteStream {
  /** The peer's address (null if made from a descriptor). */
  readonly remote: IpAddress | null;

  /**
   * Takes ownership of TCP socket handle `handle`.
   * @param remote The peer's address, if known.
   */
  constructor(dill: Dill, handle: number, remote: IpAddress | null = null) {
    super(dill, handle);
    this.remote = remote;
  }

  /** @internal */
  protected get doneCall(): string { return 'tcp_done'; }
  /** @internal */
  protected get closeCall(): string { return 'tcp_close'; }
  /** @internal */
  _rewrap(h: number): TcpSocket { return new TcpSocket(this.dill, h, this.remote); }
}
