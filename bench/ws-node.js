/**
 * Baseline for bench/ws.c: the npm `ws` package doing the same exchange
 * (64 KiB binary messages client -> server, "ack", 16-byte text echo round
 * trips, close), over TCP on 127.0.0.1.
 *   node ws-node.js inproc             client and server in this process
 *   node ws-node.js serve              prints "ready PORT"
 *   node ws-node.js client PORT NAME   against either server
 */
'use strict';
const { WebSocket, WebSocketServer } = require('ws');

const CHUNK = 65536, BULK = 2048, PINGS = 20000;
const buf = Buffer.alloc(CHUNK);

function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }

/** The server's side on an accepted connection; resolves when it closes. */
function serveOne(ws) {
  return new Promise((resolve) => {
    let got = 0;
    ws.on('message', (data, isBinary) => {
      if (got < BULK) {
        if (data.length !== CHUNK) throw new Error('bad bulk message');
        if (++got === BULK) ws.send('ack');
        return;
      }
      ws.send(data, { binary: isBinary });
    });
    ws.on('close', resolve);
  });
}

/** Resolves with the next message. */
function next(ws) {
  return new Promise((resolve) => ws.once('message', resolve));
}

async function client(port, where) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/bench`);
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  let t0 = process.hrtime.bigint();
  const ack = next(ws);
  // Sent with backpressure on the socket, as msend blocks on a full one.
  for (let i = 0; i < BULK; i++) {
    ws.send(buf);
    if (ws.bufferedAmount > 4 * 1024 * 1024) {
      await new Promise((r) => { const poll = () => (ws.bufferedAmount > 1024 * 1024 ? setImmediate(poll) : r()); poll(); });
    }
  }
  await ack;
  let t1 = process.hrtime.bigint();
  out({ name: `ws 64 KiB messages, ${where}`, mbps: BULK * CHUNK / 1048576 / (Number(t1 - t0) / 1e9) });
  const msg = '0123456789abcdef';
  t0 = process.hrtime.bigint();
  await new Promise((resolve) => {
    let i = 0;
    ws.on('message', function onMessage() {
      if (++i === PINGS) { ws.removeListener('message', onMessage); resolve(); return; }
      ws.send(msg);
    });
    ws.send(msg);
  });
  t1 = process.hrtime.bigint();
  out({ name: `ws 16-byte echo round trip, ${where}`, us: Number(t1 - t0) / 1e3 / PINGS });
  const closed = new Promise((r) => ws.on('close', r));
  ws.close(1000);
  await closed;
}

function listen() {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('listening', () => resolve(wss));
  });
}

async function main() {
  const [mode, port, where] = process.argv.slice(2);
  if (mode === 'inproc') {
    const wss = await listen();
    const served = new Promise((r) => wss.on('connection', (ws) => r(serveOne(ws))));
    await client(wss.address().port, 'one process');
    await served;
    wss.close();
  } else if (mode === 'serve') {
    const wss = await listen();
    wss.on('connection', (ws) => serveOne(ws).then(() => wss.close()));
    process.stdout.write(`ready ${wss.address().port}\n`);
  } else {
    await client(+port, where);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
