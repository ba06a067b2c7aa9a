/**
 * The kinds of connection the fast-path suites (fastpath-*.test.ts) run
 * each case on: ipc_pair, whose ends are in this program, and TCP over
 * loopback, through the kernel; each as C-faithful handles and as
 * idiomatic ByteStreams.  And the bytes they send.
 */
import type { ByteStream } from '../dist/index';
import { d, dill, pair, tcpPair } from './instance';

/** A connected pair of library sockets: [one end, the other]. */
export type PairFn = () => Promise<[number, number]>;

const ipcHandles: PairFn = async () => pair();
const tcpHandles: PairFn = () => tcpPair();

/** Bytes following a pattern (so misplaced or lost bytes show). */
export function pattern(n: number, add = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + add) & 255;
  return b;
}

/** The same with the idiomatic layer. */
export type SocketPairFn = () => Promise<[ByteStream, ByteStream]>;

const ipcSockets: SocketPairFn = async () => d.ipcPair();

const tcpSockets: SocketPairFn = async () => {
  const a = dill.ipaddr();
  expect(dill.ipaddr_local(a, '127.0.0.1', 0, 0)).toBe(0);
  const ls = await d.tcpListen(d.ipAddress(a));
  const acc = ls.accept();
  const c = await d.tcpConnect(ls.address!);
  const s = await acc;
  ls.close();
  return [c, s];
};

/** Each kind: its name, C-faithful pairs, idiomatic pairs. */
export const KINDS: [string, PairFn, SocketPairFn][] = [['ipc_pair', ipcHandles, ipcSockets], ['TCP', tcpHandles, tcpSockets]];
