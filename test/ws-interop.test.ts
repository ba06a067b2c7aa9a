/**
 * Our WebSocket against the npm `ws` package (a peer we did not write), over
 * TCP on 127.0.0.1, both directions: a C client (ws_attach_client) against
 * a `ws` WebSocketServer, and a `ws` client against a C server
 * (ws_attach_server).  The C program runs in its own process; the `ws`
 * side lives in the jest process.
 *
 * Each way: the opening handshake (resource and host as the other side sees
 * them), text (UTF-8) and binary messages echoed, a 1 MiB + 3 message (64-bit
 * length) both ways, a message `ws` sends in fragments (send with fin:false)
 * arriving whole, a ping from `ws` answered with its payload, and the close
 * handshake with a status code and reason seen on both sides (ws_status on
 * ours, the 'close' event on theirs), after which ws_detach hands back the
 * TCP socket.
 *
 * The C program is test/peers/ws-peer.c.
 */
import * as fs from 'fs';
import { ChildProcess } from 'child_process';
import { WebSocket, WebSocketServer, RawData } from 'ws';
import { compilePeer, killAll, start, tmpdir } from './helpers';

let dir: string;
let prog: string;
beforeAll(() => {
  dir = tmpdir('ws');
  prog = compilePeer(dir, 'ws-peer');
}, 120000);
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

const runProgram = (args: string[]) => start(children, process.execPath, [prog, ...args]);

const BIG = (1 << 20) + 3;
const pattern = (n: number) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + Math.floor(i / 4096)) & 0xff;
  return b;
};
const asBuffer = (d: RawData) => (Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d as ArrayBuffer));

test('C client (ws_attach_client) <-> ws WebSocketServer', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.on('listening', () => r()));
  const port = (wss.address() as { port: number }).port;
  const seen: { url?: string; host?: string; pong?: string; close?: [number, string]; big?: boolean } = {};
  const closed = new Promise<void>((resolve) => {
    wss.on('connection', (ws, req) => {
      seen.url = req.url;
      seen.host = req.headers.host;
      ws.on('pong', (d) => { seen.pong = d.toString(); });
      ws.on('message', (data, isBinary) => {
        const b = asBuffer(data);
        const text = isBinary ? '' : b.toString();
        if (text === 'fragments please') {
          ws.send('frag', { fin: false });
          ws.send('men', { fin: false });
          ws.send('ted', { fin: true });
        } else if (text === 'ping me') {
          ws.ping('are you there');
          ws.send('after the ping');
        } else if (text === 'close me') {
          ws.close(4002, 'node-bye');
        } else {
          if (b.length === BIG) seen.big = b.equals(pattern(BIG));
          ws.send(b, { binary: isBinary });
        }
      });
      ws.on('close', (code, reason) => { seen.close = [code, reason.toString()]; resolve(); });
    });
  });
  try {
    const p = runProgram(['client', String(port)]);
    const r = await p.done;
    await closed;
    expect(r.err).toBe('');
    expect(r.out).toBe([
      'got text 14', 'content h\u00e9llo w\u00f6rld',
      'got binary 4', 'hex 000102ff',
      `got binary ${BIG} pattern-ok`,
      'got text 10', 'content fragmented',
      'got text 14', 'content after the ping',
      'closed by peer 4002 node-bye',
      'detached', '',
    ].join('\n'));
    expect(r.code).toBe(0);
    expect(seen.url).toBe('/echo?from=c');
    expect(seen.host).toBe(`127.0.0.1:${port}`);
    expect(seen.big).toBe(true);
    expect(seen.pong).toBe('are you there');
    expect(seen.close).toEqual([4001, 'c-bye']);
  } finally {
    wss.close();
  }
}, 60000);

test('ws client <-> C server (ws_attach_server)', async () => {
  const p = runProgram(['server']);
  const port = Number((await p.line(/ready (\d+)\n/))[1]);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/chat/room?id=7`);
  const received: Buffer[] = [];
  const types: boolean[] = [];
  let waiting: (() => void) | null = null;
  ws.on('message', (data, isBinary) => {
    received.push(asBuffer(data));
    types.push(isBinary);
    if (waiting) { const w = waiting; waiting = null; w(); }
  });
  const next = () => new Promise<[Buffer, boolean]>((resolve) => {
    const take = () => resolve([received.shift() as Buffer, types.shift() as boolean]);
    if (received.length) take(); else waiting = take;
  });
  const pong = new Promise<string>((resolve) => ws.on('pong', (d) => resolve(d.toString())));
  const closed = new Promise<[number, string]>((resolve) =>
    ws.on('close', (code, reason) => resolve([code, reason.toString()])));
  await new Promise<void>((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });

  ws.send('gr\u00fc\u00df dich');
  expect(await next()).toEqual([Buffer.from('gr\u00fc\u00df dich'), false]);
  ws.send(Buffer.from([0, 1, 2, 255]));
  expect(await next()).toEqual([Buffer.from([0, 1, 2, 255]), true]);
  const big = pattern(BIG);
  ws.send(big);
  const [echo, isBinary] = await next();
  expect(isBinary).toBe(true);
  expect(echo.length).toBe(BIG);
  expect(echo.equals(big)).toBe(true);
  // Fragments from ws arrive whole, and are echoed whole.
  ws.send('frag', { fin: false });
  ws.send('men', { fin: false });
  ws.send('ted', { fin: true });
  expect(await next()).toEqual([Buffer.from('fragmented'), false]);
  ws.ping('hello?');
  expect(await pong).toBe('hello?');
  ws.close(4003, 'client-bye');
  expect(await closed).toEqual([4004, 'server-bye']);
  const r = await p.done;
  expect(r.err).toBe('');
  expect(r.out).toBe([
    `ready ${port}`,
    `resource /chat/room?id=7 host 127.0.0.1:${port}`,
    'got text 11', 'content gr\u00fc\u00df dich',
    'got binary 4', 'hex 000102ff',
    `got binary ${BIG} pattern-ok`,
    'got text 10', 'content fragmented',
    'closed by peer 4003 client-bye',
    'detached', '',
  ].join('\n'));
  expect(r.code).toBe(0);
}, 60000);
