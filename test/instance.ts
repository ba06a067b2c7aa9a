/**
 * The library instance a jest test file works on, and the set-up that goes
 * with it: `dill` (the C-faithful API, `await load()`) and `d` (the
 * idiomatic one over it), a temporary directory with fresh unix socket
 * paths, and connected sockets, channels and addresses made with them.
 *
 * A test file calls `loadInstance()` (and `useTempDir()` if it wants a
 * directory) at its top level: they register a beforeAll (and an afterAll).
 * Jest gives each test file a module registry of its own, so each file gets
 * an instance of its own, as when each file loaded one itself.
 *
 * It loads the built package (dist/, made by `make build`), as a user does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { load, Dill } from '../dist/index';
import type { CApi, IpAddr, IpAddress, TcpSocket } from '../dist/index';
import { tmpdir } from './helpers';

/** The C-faithful API of this test file (set before its tests by loadInstance). */
export let dill: CApi;
/** The idiomatic API over `dill`. */
export let d: Dill;

/** Loads this test file's instance before its tests. */
export function loadInstance(): void {
  beforeAll(async () => {
    dill = await load();
    d = new Dill(dill);
  });
}

/** This test file's temporary directory (see useTempDir). */
export let dir: string;
let sockets = 0;

/** Makes `dir` (dill-PREFIX-XXXXXX) before the file's tests and removes it after them. */
export function useTempDir(prefix: string): void {
  beforeAll(() => { dir = tmpdir(prefix); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
}

/** A fresh unix socket path in `dir`. */
export function sockPath(): string {
  return path.join(dir, `s${++sockets}.sock`);
}

/** A deadline 5 s from now. */
export const soon = (): number => dill.now() + 5000;

/** The name of the errno the last call of the test body set, e.g. 'EPIPE'. */
export const errnoName = (): string =>
  Object.keys(dill.errnos).find((k) => dill.errnos[k] === dill.errno) ?? String(dill.errno);

/** The C-faithful hclose of `h` reports it invalid (-1/EBADF). */
export function expectClosed(h: number): void {
  expect(dill.hclose(h)).toBe(-1);
  expect(dill.errno).toBe(dill.EBADF);
}

// ---- pairs and addresses (C-faithful) -------------------------------------------------------

/** Two connected IPC sockets (ipc_pair) of `api`. */
export function pair(api: CApi = dill): [number, number] {
  const p = [-1, -1];
  expect(api.ipc_pair(p)).toBe(0);
  return [p[0], p[1]];
}

/** The two ends of a channel (chmake) of `api`. */
export function chan(api: CApi = dill): [number, number] {
  const c = [-1, -1];
  expect(api.chmake(c)).toBe(0);
  return [c[0], c[1]];
}

/** A local address: checks that ipaddr_local succeeded. */
export function local(name: string | null, port: number, mode = 0): IpAddr {
  const a = dill.ipaddr();
  expect(dill.ipaddr_local(a, name, port, mode)).toBe(0);
  return a;
}

/** A TCP listener on `host`, port chosen by the system: [handle, addr with the port]. */
export async function listen(host = '127.0.0.1'): Promise<[number, IpAddr]> {
  const a = local(host, 0);
  const ls = await dill.tcp_listen(a, 10);
  expect(ls).toBeGreaterThanOrEqual(0);
  expect(dill.ipaddr_port(a)).toBeGreaterThan(0);
  return [ls, a];
}

/** A port nobody listens on (a listener's, closed). */
export async function closedPort(): Promise<number> {
  const [ls, a] = await listen();
  const port = dill.ipaddr_port(a);
  expect(dill.hclose(ls)).toBe(0);
  return port;
}

/**
 * A connected TCP pair over loopback (`host`, a port the system chooses;
 * the listener is closed again): [client, server].
 */
export async function tcpPair(host = '127.0.0.1'): Promise<[number, number]> {
  const a = dill.ipaddr();
  expect(dill.ipaddr_local(a, host, 0, 0)).toBe(0);
  const ls = await dill.tcp_listen(a, 10);
  expect(ls).toBeGreaterThanOrEqual(0);
  const acc = dill.tcp_accept(ls, null, dill.now() + 5000);
  const c = await dill.tcp_connect(a, dill.now() + 5000);
  const s = await acc;
  expect(c).toBeGreaterThanOrEqual(0);
  expect(s).toBeGreaterThanOrEqual(0);
  expect(dill.hclose(ls)).toBe(0);
  return [c, s];
}

// ---- receiving and sending (C-faithful) -------------------------------------------------------

/** Receives one message into a buffer of `size` bytes: its bytes, or null with errno. */
export async function mrecv(h: number, size = 1024, deadline = dill.now() + 5000): Promise<Uint8Array | null> {
  const buf = new Uint8Array(size);
  const n = await dill.mrecv(h, buf, size, deadline);
  return n < 0 ? null : buf.slice(0, n);
}

/** Exactly `n` raw bytes from a bytestream (null with errno on failure). */
export async function brecvN(h: number, n: number, deadline = soon()): Promise<Uint8Array | null> {
  const b = new Uint8Array(n);
  return (await dill.brecv(h, b, n, deadline)) === 0 ? b : null;
}

/** Exactly `n` raw bytes from a bytestream; the receive must succeed. */
export async function brecv(h: number, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  expect(await dill.brecv(h, buf, n, dill.now() + 5000)).toBe(0);
  return buf;
}

/** Sends `bytes` on a bytestream; the send must succeed. */
export async function bsend(h: number, bytes: number[] | Uint8Array): Promise<void> {
  const b = Uint8Array.from(bytes);
  expect(await dill.bsend(h, b, b.length, dill.now() + 5000)).toBe(0);
}

/** A connected pair of idiomatic TCP sockets on 127.0.0.1 (client, server); the listener is closed. */
export async function tcpSockets(): Promise<[TcpSocket<IpAddress>, TcpSocket<IpAddress>]> {
  const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
  const accepting = ls.accept({ timeout: 5000 });
  const c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port), { timeout: 5000 });
  const s = await accepting;
  ls.close();
  return [c, s];
}
