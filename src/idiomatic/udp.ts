/**
 * UDP (C's udp_*): {@link UdpSocket} and its datagrams.
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { Handle } from './handle';
import { IpAddress } from './ip';
import type { Dill } from './dill';

/** Options of {@link UdpSocket.recv} and {@link UdpSocket.mrecv}. */
export interface DatagramRecvOptions extends CallOptions {
  /**
   * The largest datagram accepted, in bytes (default 65536, more than any
   * UDP payload). A longer one is dropped and the call fails with EMSGSIZE.
   */
  size?: number;
}

/** A datagram received by {@link UdpSocket.recv}. */
export interface Datagram {
  /** Its bytes. */
  data: Uint8Array;
  /** Who sent it. */
  from: IpAddress;
}

/**
 * A UDP socket (C's udp_*, and msend/mrecv): datagrams, each received whole
 * or not at all. Made by {@link Dill.udpOpen}.
 */
export class UdpSocket extends Handle implements AsyncIterable<Datagram> {
  /** The local address, with the port chosen if 0 was asked (null if none was given). */
  readonly local: IpAddress | null;
  /** The default destination, and the only sender accepted (null for none). */
  readonly remote: IpAddress | null;

  /** Called by {@link Dill.udpOpen}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, local: IpAddress | null, remote: IpAddress | null) {
    super(dill, handle);
    this.local = local;
    this.remote = remote;
  }

  /**
   * Sends `data` as one datagram to `to`, or to the socket's remote address
   * if `to` is null (C's udp_send; a string is sent as UTF-8). It never
   * waits: a datagram there is no room for is dropped, as UDP allows.
   * @throws DillError EINVAL (null `to` and no remote address), EMSGSIZE
   *   (more than a datagram holds).
   */
  send(to: IpAddress | null, data: Uint8Array | string): void {
    this.dill._precheck('udp_send', undefined, this);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (to !== null && !(to instanceof IpAddress)) throw new TypeError('UdpSocket.send: to must be an IpAddress or null');
    if (this.dill.api.udp_send(this.handle, to ? to.bytes : null, buf, buf.byteLength) < 0) throw this.dill.error('udp_send');
  }

  /**
   * Receives the next datagram and its sender (C's udp_recv). A socket
   * with a remote address only takes datagrams from it.
   * @throws DillError EMSGSIZE (longer than `opts.size`: dropped),
   *   ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: DatagramRecvOptions): Promise<Datagram> {
    const buf = new Uint8Array(sizeOf(opts));
    const from = this.dill.api.ipaddr();
    const n = await this.dill._call('udp_recv', [this.handle, from, buf, buf.byteLength, deadlineOf(opts)], opts, this);
    return { data: buf.slice(0, n), from: new IpAddress(this.dill, from) };
  }

  /**
   * Sends `data` to the remote address (C's msend: the socket as a message
   * socket).
   * @throws DillError EINVAL if the socket has no remote address, EMSGSIZE.
   */
  async msend(data: Uint8Array | string, opts?: CallOptions): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.dill._call('msend', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next datagram (C's mrecv), without its sender.
   * @throws DillError as {@link UdpSocket.recv}.
   */
  async mrecv(opts?: DatagramRecvOptions): Promise<Uint8Array> {
    const buf = new Uint8Array(sizeOf(opts));
    const n = await this.dill._call('mrecv', [this.handle, buf, buf.byteLength, deadlineOf(opts)], opts, this);
    return buf.slice(0, n);
  }

  /**
   * The datagrams received, until the socket is closed (which ends the
   * iteration); other errors (EMSGSIZE...) are thrown. The deadline applies
   * to the whole iteration.
   */
  datagrams(opts?: DatagramRecvOptions): AsyncGenerator<Datagram, void, undefined> {
    return receiveUntil(() => this.recv(opts), () => this.closed);
  }

  /** `for await (const { data, from } of sock)`: {@link UdpSocket.datagrams} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Datagram> {
    return this.datagrams();
  }
}

function sizeOf(opts: DatagramRecvOptions | undefined): number {
  const size = opts?.size ?? 65536;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a length in bytes, got ${size}`);
  return size;
}
