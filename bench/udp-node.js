/**
 * Baseline for bench/udp.c: raw Node dgram doing the same on 127.0.0.1.
 * The sender sends N 64-byte datagrams as fast as it can (setImmediate()
 * every BURST of them, as the C sender yields); the receiver counts them
 * until it has N or none came for IDLE ms.  The sender's time ends when
 * the last send's callback has run (the datagram was handed to the kernel).
 *   node udp-node.js inproc N | recv N | send PORT N
 * Output as bench/udp.c's.
 */
'use strict';
const dgram = require('dgram');
const SIZE = 64, BURST = 64, IDLE = 500;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }

function bound() {
  const s = dgram.createSocket('udp4');
  return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s)));
}

/** Resolves with {count, first, last} once n datagrams came or none for IDLE ms. */
function receiver(s, n) {
  return new Promise((resolve) => {
    const t = { count: 0, first: 0, last: 0 };
    let timer = null;
    const done = () => { s.removeAllListeners('message'); clearTimeout(timer); resolve(t); };
    s.on('message', (m) => {
      if (m.length !== SIZE) throw new Error(`received ${m.length} bytes`);
      t.last = now();
      if (t.count++ === 0) t.first = t.last;
      if (t.count >= n) { done(); return; }
      // The idle timer, rearmed at most every 50 ms rather than per datagram.
      if (!timer || t.last - timer.armed > 50) {
        clearTimeout(timer);
        timer = setTimeout(done, IDLE);
        timer.armed = t.last;
      }
    });
  });
}

/** Sends n datagrams to port; resolves with the ms it took. */
function sender(s, port, n) {
  const b = Buffer.alloc(SIZE, 'u');
  const t0 = now();
  return new Promise((resolve) => {
    let i = 0;
    (function burst() {
      for (let k = 0; k < BURST && i < n; k++, i++) {
        b.writeUInt32LE(i, 0);
        if (i === n - 1) s.send(b, port, '127.0.0.1', () => resolve(now() - t0));
        else s.send(b, port, '127.0.0.1');
      }
      if (i < n) setImmediate(burst);
    })();
  });
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'inproc') {
    const n = +a;
    const r = await bound(), s = await bound();
    const t0 = now();
    const recv = receiver(r, n);
    const ms = await sender(s, r.address().port, n);
    const t = await recv;
    out({ name: 'node dgram, one process', sent: Math.round(n / (ms / 1000)), recvd: Math.round(t.count / ((t.last - t0) / 1000)), count: t.count, n });
    r.close(); s.close();
  } else if (mode === 'recv') {
    const n = +a;
    const r = await bound();
    process.stdout.write(`ready ${r.address().port}\n`);
    const t = await receiver(r, n);
    out({ name: 'node dgram, two processes', recvd: t.count > 1 ? Math.round((t.count - 1) / ((t.last - t.first) / 1000)) : 0, count: t.count, n });
    r.close();
  } else {
    const n = +b;
    const s = await bound();
    const ms = await sender(s, +a, n);
    out({ name: 'node dgram, two processes', sent: Math.round(n / (ms / 1000)) });
    s.close();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
