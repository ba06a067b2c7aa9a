/**
 * Baseline for bench/prefix.c: raw Node net doing the same length-prefixed
 * framing over a unix socket: each message a 4-byte big-endian size and the
 * payload, written as one buffer (with backpressure); the receiver cuts the
 * stream into messages (Buffer views, copied only when a message straddles
 * two reads).
 *   node prefix-node.js inproc DIR        both ends in this process
 *   node prefix-node.js serve PATH SIZE   receiving end; prints "ready"
 *   node prefix-node.js client PATH SIZE  sending end; the receiver answers
 *                                         with an empty message at the end
 * PATH "tcp" for serve (it prints "ready PORT") and the port for client: TCP on 127.0.0.1.
 * Prints JSON lines like bench/prefix.c.  BENCH_N: 64-byte messages (200000).
 */
'use strict';
const net = require('net');
const path = require('path');
const fs = require('fs');

const BIG = 65536, BIG_COUNT = 4096;
const countFor = (size) => (size === BIG ? BIG_COUNT : +(process.env.BENCH_N || 200000));

function out(name, size, count, ns) {
  const s = Number(ns) / 1e9;
  process.stdout.write(JSON.stringify({ name, size, msgs: Math.round(count / s), mbps: +(count * size / 1048576 / s).toFixed(1) }) + '\n');
}

/** Sends count messages of size bytes; resolves once all are written. */
function sendMessages(sock, size, count) {
  const payload = Buffer.alloc(size);
  return new Promise((resolve) => {
    let i = 0;
    function more() {
      while (i < count) {
        const f = Buffer.allocUnsafe(4 + size);
        f.writeUInt32BE(size, 0);
        payload.copy(f, 4);
        i++;
        if (!sock.write(f)) { sock.once('drain', more); return; }
      }
      resolve();
    }
    more();
  });
}

/** Calls onMessage(buffer) for each message arriving on sock. */
function receiveMessages(sock, onMessage) {
  let pending = null;
  sock.on('data', (d) => {
    let b = pending ? Buffer.concat([pending, d]) : d;
    let off = 0;
    while (b.length - off >= 4) {
      const len = b.readUInt32BE(off);
      if (b.length - off - 4 < len) break;
      onMessage(b.subarray(off + 4, off + 4 + len));
      off += 4 + len;
    }
    pending = off < b.length ? b.subarray(off) : null;
  });
}

function received(sock, count) {
  return new Promise((resolve) => {
    let n = 0;
    receiveMessages(sock, () => { if (++n === count) resolve(); });
  });
}

async function inproc(dir) {
  const p = path.join(dir, 'node-prefix.sock');
  for (const [size, name] of [[64, '64 B messages, one process'], [BIG, '64 KiB messages, one process']]) {
    fs.rmSync(p, { force: true });
    const server = net.createServer();
    const accepted = new Promise((r) => server.on('connection', r));
    await new Promise((r) => server.listen(p, r));
    const c = net.connect(p);
    await new Promise((r) => c.on('connect', r));
    const s = await accepted;
    const count = countFor(size);
    const t0 = process.hrtime.bigint();
    const got = received(s, count);
    await sendMessages(c, size, count);
    await got;
    out(name, size, count, process.hrtime.bigint() - t0);
    c.destroy(); s.destroy(); server.close();
  }
  fs.rmSync(p, { force: true });
}

/** Listens on unix socket path `p`, or on a port of 127.0.0.1 for "tcp"; prints "ready [PORT]". */
async function serve(p, size) {
  const count = countFor(size);
  const server = net.createServer((s) => {
    received(s, count).then(() => { const e = Buffer.alloc(4); s.write(e); });
    s.on('close', () => server.close());
  });
  const tcp = p === 'tcp';
  await new Promise((r) => (tcp ? server.listen(0, '127.0.0.1', r) : server.listen(p, r)));
  process.stdout.write(tcp ? `ready ${server.address().port}\n` : 'ready\n');
}

/** Sends to unix socket path `p`, or to port `p` of 127.0.0.1. */
async function client(p, size) {
  const count = countFor(size);
  const tcp = /^[0-9]+$/.test(p);
  const c = tcp ? net.connect(+p, '127.0.0.1') : net.connect(p);
  await new Promise((r) => c.on('connect', r));
  const t0 = process.hrtime.bigint();
  const answer = received(c, 1);
  await sendMessages(c, size, count);
  await answer;
  out(`${size === BIG ? '64 KiB' : '64 B'} messages, two processes, ${tcp ? 'TCP' : 'IPC'}`, size, count, process.hrtime.bigint() - t0);
  c.destroy();
}

const [mode, arg, size] = process.argv.slice(2);
if (mode === 'inproc') inproc(arg);
else if (mode === 'serve') serve(arg, +(size || 64));
else client(arg, +(size || 64));
