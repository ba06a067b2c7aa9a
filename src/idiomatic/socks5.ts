/**
 * SOCKS5 (C's socks5_*, RFC 1928 and 1929) on a bytestream: the client's
 * connect through a proxy, and the proxy's side (authentication, request,
 * reply). {@link ByteStream} runs them as its socks5* methods.
 */
import { CallOptions, deadlineOf } from './calls';
import { cstr } from './bytes';
import { IpAddress } from './ip';
import type { ByteStream } from './bytestream';

/** SOCKS5 commands (RFC 1928). */
export type Socks5Command = 'connect' | 'bind' | 'udp-associate';

const SOCKS5_COMMANDS: readonly (Socks5Command | null)[] = [null, 'connect', 'bind', 'udp-associate'];

function socks5Command(cmd: number): Socks5Command {
  const c = SOCKS5_COMMANDS[cmd];
  if (!c) throw new Error(`socks5: unknown command ${cmd}`);
  return c;
}

/** SOCKS5 replies (RFC 1928), in the order of their codes 0-8; or the code. */
export type Socks5Reply = 'success' | 'general-failure' | 'connection-not-allowed' | 'network-unreachable'
  | 'host-unreachable' | 'connection-refused' | 'ttl-expired' | 'command-not-supported'
  | 'address-type-not-supported' | number;

const SOCKS5_REPLIES: readonly string[] = ['success', 'general-failure', 'connection-not-allowed',
  'network-unreachable', 'host-unreachable', 'connection-refused', 'ttl-expired', 'command-not-supported',
  'address-type-not-supported'];

/** Options of {@link ByteStream.socks5Connect}. */
export interface Socks5ConnectOptions extends CallOptions {
  /** Username and password (RFC 1929), each up to 255 bytes; offered only when both are given. */
  username?: string;
  password?: string;
  /** A host name (or address literal) for the proxy to resolve; or give `addr`. */
  host?: string;
  /** An address to connect to; or give `host`. */
  addr?: IpAddress;
  /** The port (required with `host`; with `addr`, replaces its port). */
  port?: number;
}

/** Options of {@link ByteStream.socks5Accept}. */
export interface Socks5AcceptOptions extends CallOptions {
  /**
   * Decides on the client's username and password (required of it when
   * given). It runs synchronously inside the library: it must not call the
   * library (such calls throw); if it throws, the client is refused and
   * socks5Accept throws that.
   */
  auth?: ((username: string, password: string) => boolean) | null;
  /** Resolve a host name the client sent (and give `addr`). */
  resolve?: boolean;
}

/** The request a SOCKS5 client made (see {@link ByteStream.socks5Accept}). */
export interface Socks5Request {
  command: Socks5Command;
  /** The host name or address literal asked for. */
  host: string;
  port: number;
  /** The address (with `resolve`; null otherwise). */
  addr: IpAddress | null;
}

/** {@link ByteStream.socks5Connect} on `sock` (its idle check done). @internal */
export async function socks5Connect(sock: ByteStream, opts: Socks5ConnectOptions): Promise<void> {
  const user = opts.username ?? null;
  const pass = opts.password ?? null;
  if (opts.addr !== undefined) {
    if (!(opts.addr instanceof IpAddress)) throw new TypeError('socks5Connect: addr must be an IpAddress');
    if (opts.host !== undefined) throw new TypeError('socks5Connect: give host or addr, not both');
    const a = opts.port === undefined ? opts.addr : opts.addr.withPort(opts.port);
    await sock.dill._call('socks5_client_connect', [sock.handle, user, pass, a.bytes, deadlineOf(opts)], opts, sock);
  } else {
    if (typeof opts.host !== 'string') throw new TypeError('socks5Connect: host (a string) or addr (an IpAddress) is required');
    if (opts.port === undefined) throw new TypeError('socks5Connect: port is required with host');
    await sock.dill._call('socks5_client_connectbyname', [sock.handle, user, pass, opts.host, opts.port, deadlineOf(opts)], opts, sock);
  }
}

/** {@link ByteStream.socks5Accept} on `sock` (its idle check done). @internal */
export async function socks5Accept(sock: ByteStream, opts: Socks5AcceptOptions | undefined): Promise<Socks5Request> {
  const dill = sock.dill;
  await dill._call('socks5_proxy_auth', [sock.handle, opts?.auth ?? null, deadlineOf(opts)], opts, sock);
  if (opts?.resolve) {
    const a = dill.api.ipaddr();
    const cmd = await dill._call('socks5_proxy_recvcommand', [sock.handle, a, deadlineOf(opts)], opts, sock);
    const addr = new IpAddress(dill, a);
    return { command: socks5Command(cmd), host: addr.address, port: addr.port, addr };
  }
  const host = new Uint8Array(256);
  const port = new Int32Array(1);
  const cmd = await dill._call('socks5_proxy_recvcommandbyname', [sock.handle, host, port, deadlineOf(opts)], opts, sock);
  return { command: socks5Command(cmd), host: cstr(host), port: port[0], addr: null };
}

/** {@link ByteStream.socks5Reply} on `sock`. @internal */
export async function socks5Reply(sock: ByteStream, reply: Socks5Reply, bound: IpAddress | null | undefined, opts: CallOptions | undefined): Promise<void> {
  const code = typeof reply === 'number' ? reply : SOCKS5_REPLIES.indexOf(reply);
  if (code < 0) throw new TypeError(`socks5Reply: unknown reply '${String(reply)}'`);
  if (bound != null && !(bound instanceof IpAddress)) throw new TypeError('socks5Reply: bound must be an IpAddress or null');
  await sock.dill._call('socks5_proxy_sendreply', [sock.handle, code, bound ? bound.bytes : null, deadlineOf(opts)], opts, sock);
}
