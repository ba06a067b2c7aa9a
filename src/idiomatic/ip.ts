/**
 * IP addresses (C's `struct ipaddr` and ipaddr_*): {@link IpAddress}, and
 * the address families a name may resolve to ({@link IpMode}).
 */
import type { CApi } from '../host';
import type { IpAddr } from '../types';
import type { CallOptions } from './calls';
import type { Dill } from './dill';

/**
 * Which address families a name may resolve to (C's IPADDR_* modes):
 * only IPv4, only IPv6, or both with one preferred. The default is
 * `'prefer-ipv4'`, as in C.
 */
export type IpMode = 'ipv4' | 'ipv6' | 'prefer-ipv4' | 'prefer-ipv6';

/** Options of {@link Dill.ipLocal}. */
export interface IpOptions {
  /** The families allowed (default `'prefer-ipv4'`). */
  mode?: IpMode;
}

/** Options of {@link Dill.ipRemote} and {@link Dill.ipRemotes}. */
export interface IpRemoteOptions extends CallOptions, IpOptions {}

/** The C IPADDR_* mode of `mode` (0: the default). @internal */
export function modeOf(api: CApi, mode: IpMode | undefined): number {
  switch (mode) {
    case undefined: return 0;
    case 'ipv4': return api.IPADDR_IPV4;
    case 'ipv6': return api.IPADDR_IPV6;
    case 'prefer-ipv4': return api.IPADDR_PREF_IPV4;
    case 'prefer-ipv6': return api.IPADDR_PREF_IPV6;
    default: throw new TypeError(`mode must be 'ipv4', 'ipv6', 'prefer-ipv4' or 'prefer-ipv6', got ${String(mode)}`);
  }
}

/**
 * An IPv4 or IPv6 address with a port (C's `struct ipaddr`), immutable.
 * Made by {@link Dill.ipLocal}, {@link Dill.ipRemote}, {@link Dill.ipAddress}
 * or by the sockets (a listener's bound address, a connection's peer, a
 * datagram's sender).
 */
export class IpAddress {
  /** The library whose functions read it. */
  readonly dill: Dill;
  /** 4 or 6. */
  readonly family: 4 | 6;
  /** The port (0 to 65535). */
  readonly port: number;
  /** The address alone, as C's ipaddr_str writes it: `'127.0.0.1'`, `'::1'`. */
  readonly address: string;
  private readonly raw: Uint8Array;

  /**
   * Wraps a C-faithful address (the bytes are copied).
   * @throws TypeError if `bytes` is not an IpAddr (IPADDR_SIZE bytes);
   *   DillError EINVAL if it holds no IPv4 or IPv6 address.
   */
  constructor(dill: Dill, bytes: IpAddr) {
    const api = dill.api;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength !== api.IPADDR_SIZE) {
      throw new TypeError(`IpAddress: bytes must be an IpAddr of ${api.IPADDR_SIZE} bytes`);
    }
    this.dill = dill;
    this.raw = bytes.slice();
    const fam = api.ipaddr_family(this.raw);
    if (fam < 0) throw dill.error('ipaddr_family');
    this.family = fam === api.AF_INET6 ? 6 : 4;
    this.port = api.ipaddr_port(this.raw);
    const s = api.ipaddr_str(this.raw, new Uint8Array(api.IPADDR_MAXSTRLEN));
    if (s === null) throw dill.error('ipaddr_str');
    this.address = s;
  }

  /** A copy of the C `struct ipaddr` (for the C-faithful API). */
  get bytes(): IpAddr {
    return this.raw.slice();
  }

  /** C's ipaddr_sockaddr: the `struct sockaddr_in`/`sockaddr_in6` bytes (ipaddr_len of them). */
  get sockaddr(): Uint8Array {
    return this.dill.api.ipaddr_sockaddr(this.raw)!;
  }

  /** The same address with another port (C's ipaddr_setport). */
  withPort(port: number): IpAddress {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be 0 to 65535, got ${port}`);
    const b = this.raw.slice();
    this.dill.api.ipaddr_setport(b, port);
    return new IpAddress(this.dill, b);
  }

  /** Same family, address and (unless `ignorePort`) port (C's ipaddr_equal). */
  equals(other: IpAddress, opts?: { ignorePort?: boolean }): boolean {
    if (!(other instanceof IpAddress)) return false;
    return this.dill.api.ipaddr_equal(this.raw, other.raw, opts?.ignorePort ? 1 : 0) === 1;
  }

  /** `'127.0.0.1:8080'`, `'[::1]:8080'`. */
  toString(): string {
    return this.family === 6 ? `[${this.address}]:${this.port}` : `${this.address}:${this.port}`;
  }
}
