/**
 * Baseline for bench/tls.c: Node's tls over net doing the same exchange
 * over TCP on 127.0.0.1 (64 KiB writes client -> server and a 1-byte
 * answer, 16-byte echo round trips, close_notify both ways, then fresh
 * connections each with a handshake and one byte from the server).
 *   node tls-node.js inproc CERT KEY     client and server in this process
 *   node tls-node.js serve CERT KEY      prints "ready PORT"
 *   node tls-node.js client PORT NAME    against either server
 */
'use strict';
const fs = require('fs');
const tls = require('tls');

const CHUNK = 65536, BULK = 2048, PINGS = 10000, HANDSHAKES = 200;
const buf = Buffer.alloc(CHUNK);

function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }

/** A server: the exchange on the first connection, one byte on the others. */
function listen(cert, key) {
  let first = true;
  const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => {
    s.on('error', () => {});
    if (!first) { s.end('h'); return; }
    first = false;
    let got = 0;
    let pinging = false;
    let pending = Buffer.alloc(0);
    s.on('data', (d) => {
      if (!pinging) {
        got += d.length;
        if (got === BULK * CHUNK) { pinging = true; s.write('k'); }
        return;
      }
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      while (pending.length >= 16) {
        s.write(pending.subarray(0, 16));
        pending = pending.subarray(16);
      }
    });
    s.on('end', () => s.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Resolves once `n` bytes have come (taking them). */
function reader(s) {
  let have = 0;
  let want = 0;
  let wake = null;
  s.on('data', (d) => {
    have += d.length;
    if (wake && have >= want) { const w = wake; wake = null; w(); }
  });
  return (n) => new Promise((resolve) => {
    want = n;
    const done = () => { have -= n; resolve(); };
    if (have >= n) done(); else wake = done;
  });
}

async function client(port, where) {
  const s = await connect(port);
  const read = reader(s);
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < BULK; i++) {
    // Backpressure, as bsend blocks on a full socket.
    if (!s.write(buf)) await new Promise((r) => s.once('drain', r));
  }
  await read(1);
  let t1 = process.hrtime.bigint();
  out({ name: `tls 64 KiB writes, ${where}`, mbps: BULK * CHUNK / 1048576 / (Number(t1 - t0) / 1e9) });
  const msg = Buffer.from('0123456789abcdef');
  t0 = process.hrtime.bigint();
  for (let i = 0; i < PINGS; i++) {
    s.write(msg);
    await read(16);
  }
  t1 = process.hrtime.bigint();
  out({ name: `tls 16-byte echo round trip, ${where}`, us: Number(t1 - t0) / 1e3 / PINGS });
  await new Promise((r) => { s.on('end', r); s.end(); });
  t0 = process.hrtime.bigint();
  for (let i = 0; i < HANDSHAKES; i++) {
    const c = await connect(port);
    await new Promise((r) => { c.once('data', r); });
    c.destroy();
  }
  t1 = process.hrtime.bigint();
  out({ name: `tls connect + handshake, ${where}`, ms: Number(t1 - t0) / 1e6 / HANDSHAKES });
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'inproc') {
    const server = await listen(a, b);
    await client(server.address().port, 'one process');
    server.close();
  } else if (mode === 'serve') {
    const server = await listen(a, b);
    let n = 0;
    server.on('secureConnection', () => { if (++n === HANDSHAKES + 1) server.close(); });
    process.stdout.write(`ready ${server.address().port}\n`);
  } else {
    await client(+a, b);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
