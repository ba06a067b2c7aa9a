#!/usr/bin/env node
/**
 * Benchmarks of the TypeScript bindings (dist/index.js), each beside a plain
 * Node baseline measured in the same process:
 *
 *   bulk         64 KiB bsend -> brecv between two TS coroutines (go()) over
 *                ipc_listen/ipc_connect             vs raw Node net, unix socket
 *   ping-pong    1-byte bsend/brecv round trips      vs raw Node net, unix socket
 *   tcp bulk, tcp ping-pong   the same over tcp_listen/tcp_connect on
 *                127.0.0.1                           vs raw Node net, TCP
 *                (and vs raw net with one awaited Promise per send and
 *                receive, the floor of any promise-based API)
 *   channel      chsend -> chrecv ping-pong between two go() tasks
 *                                                    vs a promise-based JS channel
 *   sync call    now()                               vs Date.now(), performance.now()
 *   calls        a bsend/brecv that completes at once, a brecv that waits
 *                                                    vs an await of a resolved Promise
 *
 * The Node net baselines do what bench/stream-node.js does (same sizes).
 * Prints one JSON object per figure; bench/run.js prints the table.
 *   node bench/ts.js [--only ipc|tcp|channel|sync|calls]
 *                                        (env: BENCH_TS_MIB, BENCH_TS_PINGS)
 */
'use strict';
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const { performance } = require('perf_hooks');
const { load } = require('../dist/index.js');

const CHUNK = 65536;
const TOTAL = (+process.env.BENCH_TS_MIB || 256) * 1048576;
const PINGS = +process.env.BENCH_TS_PINGS || 20000;
// Round trips before each timed ping-pong (ours and the baselines alike):
// the JIT has compiled the paths by then.
const WARM = Math.ceil(PINGS / 10);
const MSGS = +process.env.BENCH_TS_MSGS || 200000;
const CALLS = 2000000;

function out(o) { process.stdout.write(JSON.stringify(o) + '\n'); }
const ns = () => process.hrtime.bigint();
const secs = (t0, t1) => Number(t1 - t0) / 1e9;

function check(what, rc, dill) {
  if (rc < 0) throw new Error(`${what}: ${dill.strerror(dill.errno)}`);
  return rc;
}

/** A connected pair of library sockets over a real listener: {c, s, ls}. */
async function connectPair(dill, addr) {
  const ls = check('ipc_listen', await dill.ipc_listen(addr, 10), dill);
  let s = -1;
  const acc = dill.go(async () => { s = check('ipc_accept', await dill.ipc_accept(ls, -1), dill); });
  const c = check('ipc_connect', await dill.ipc_connect(addr, -1), dill);
  await dill.bundle_wait(acc, -1);
  dill.hclose(acc);
  return { c, s, ls };
}

/** The same over TCP: tcp_listen on 127.0.0.1 (an ephemeral port), tcp_connect to it. */
async function tcpPair(dill) {
  const local = dill.ipaddr();
  check('ipaddr_local', dill.ipaddr_local(local, '127.0.0.1', 0, dill.IPADDR_IPV4), dill);
  const ls = check('tcp_listen', await dill.tcp_listen(local, 10), dill);
  const remote = dill.ipaddr();
  check('ipaddr_remote', await dill.ipaddr_remote(remote, '127.0.0.1', dill.ipaddr_port(local), dill.IPADDR_IPV4, -1), dill);
  let s = -1;
  const acc = dill.go(async () => { s = check('tcp_accept', await dill.tcp_accept(ls, null, -1), dill); });
  const c = check('tcp_connect', await dill.tcp_connect(remote, -1), dill);
  await dill.bundle_wait(acc, -1);
  dill.hclose(acc);
  return { c, s, ls };
}

/** Runs fns as TS coroutines (go()) in one bundle; resolves when all are done. */
async function together(dill, ...fns) {
  const b = check('bundle', dill.bundle(), dill);
  const errors = [];
  for (const fn of fns) {
    check('bundle_go', dill.bundle_go(b, () => fn().catch((e) => { errors.push(e); })), dill);
  }
  check('bundle_wait', await dill.bundle_wait(b, -1), dill);
  dill.hclose(b);
  if (errors.length) throw errors[0];
}

// ---- TypeScript bindings ---------------------------------------------------------

/** Bulk and ping-pong over a connected pair ({c, s, ls}); `prefix` names the figures. */
async function tsStream(dill, { c, s, ls }, prefix) {
  const sbuf = new Uint8Array(CHUNK).fill(7);
  const rbuf = new Uint8Array(CHUNK);
  let t0 = ns();
  await together(dill,
    async () => { for (let n = 0; n < TOTAL; n += CHUNK) check('bsend', await dill.bsend(c, sbuf, CHUNK, -1), dill); },
    async () => { for (let n = 0; n < TOTAL; n += CHUNK) check('brecv', await dill.brecv(s, rbuf, CHUNK, -1), dill); });
  let t1 = ns();
  out({ name: `${prefix}ts bulk`, mbps: TOTAL / 1048576 / secs(t0, t1) });

  const one = new Uint8Array(1);
  const back = new Uint8Array(1);
  const rounds = (k) => together(dill,
    async () => {
      for (let i = 0; i < k; i++) {
        check('bsend', await dill.bsend(c, one, 1, -1), dill);
        check('brecv', await dill.brecv(c, one, 1, -1), dill);
      }
    },
    async () => {
      for (let i = 0; i < k; i++) {
        check('brecv', await dill.brecv(s, back, 1, -1), dill);
        check('bsend', await dill.bsend(s, back, 1, -1), dill);
      }
    });
  await rounds(WARM);
  t0 = ns();
  await rounds(PINGS);
  t1 = ns();
  out({ name: `${prefix}ts ping-pong`, us: Number(t1 - t0) / 1e3 / PINGS });
  dill.hclose(c); dill.hclose(s); dill.hclose(ls);
}

async function tsChannel(dill) {
  const ab = [0, 0], ba = [0, 0];
  check('chmake', dill.chmake(ab), dill);
  check('chmake', dill.chmake(ba), dill);
  const v = new Uint8Array(4), w = new Uint8Array(4);
  const rounds = MSGS / 2;
  const t0 = ns();
  await together(dill,
    async () => {
      for (let i = 0; i < rounds; i++) {
        check('chsend', await dill.chsend(ab[0], v, 4, -1), dill);
        check('chrecv', await dill.chrecv(ba[1], v, 4, -1), dill);
      }
    },
    async () => {
      for (let i = 0; i < rounds; i++) {
        check('chrecv', await dill.chrecv(ab[1], w, 4, -1), dill);
        check('chsend', await dill.chsend(ba[0], w, 4, -1), dill);
      }
    });
  const t1 = ns();
  out({ name: 'ts channel', ns: Number(t1 - t0) / (2 * rounds) });
  for (const h of [...ab, ...ba]) dill.hclose(h);
}

/**
 * What one call from TypeScript costs, over ipc_pair (no kernel): a bsend
 * and a brecv that both complete at once, and a brecv that must wait,
 * woken by the bsend that follows it; beside an await of a resolved
 * Promise (the least any awaited call costs).
 */
async function tsCalls(dill) {
  const p = [0, 0];
  check('ipc_pair', dill.ipc_pair(p), dill);
  const b = new Uint8Array(1);
  const N = CALLS / 10;
  let t0 = ns();
  for (let i = 0; i < N; i++) {
    check('bsend', await dill.bsend(p[0], b, 1, -1), dill);
    check('brecv', await dill.brecv(p[1], b, 1, -1), dill);
  }
  let t1 = ns();
  out({ name: 'ts call, completes at once', ns: Number(t1 - t0) / (2 * N) });
  t0 = ns();
  for (let i = 0; i < N; i++) {
    const r = dill.brecv(p[1], b, 1, -1);
    check('bsend', await dill.bsend(p[0], b, 1, -1), dill);
    check('brecv', await r, dill);
  }
  t1 = ns();
  out({ name: 'ts brecv that waits, and the bsend that wakes it', ns: Number(t1 - t0) / N });
  const one = Promise.resolve(0);
  let sink = 0;
  t0 = ns();
  for (let i = 0; i < N; i++) sink += await one;
  t1 = ns();
  out({ name: 'await of a resolved Promise', ns: Number(t1 - t0) / N, sink: sink === 0 });
  dill.hclose(p[0]); dill.hclose(p[1]);
}

function syncCalls(dill) {
  const time = (name, f) => {
    let sink = 0;
    for (let i = 0; i < 100000; i++) sink += f();   // warm-up
    const t0 = ns();
    for (let i = 0; i < CALLS; i++) sink += f();
    const t1 = ns();
    out({ name, ns: Number(t1 - t0) / CALLS, sink: sink > 0 });
  };
  time('ts now()', () => dill.now());
  time('Date.now()', () => Date.now());
  time('performance.now()', () => performance.now());
}

// ---- baselines -------------------------------------------------------------------

/** A promise-based unbuffered channel, as one would write it in plain JS. */
class JsChannel {
  constructor() { this.senders = []; this.receivers = []; }
  send(v) {
    const r = this.receivers.shift();
    if (r) { r(v); return Promise.resolve(); }
    return new Promise((resolve) => this.senders.push({ v, resolve }));
  }
  recv() {
    const s = this.senders.shift();
    if (s) { s.resolve(); return Promise.resolve(s.v); }
    return new Promise((resolve) => this.receivers.push(resolve));
  }
}

async function jsChannel() {
  const ab = new JsChannel(), ba = new JsChannel();
  const v = new Uint8Array(4);
  const rounds = MSGS / 2;
  const t0 = ns();
  await Promise.all([
    (async () => { for (let i = 0; i < rounds; i++) { await ab.send(v); await ba.recv(); } })(),
    (async () => { for (let i = 0; i < rounds; i++) { const w = await ab.recv(); await ba.send(w); } })(),
  ]);
  const t1 = ns();
  out({ name: 'js channel', ns: Number(t1 - t0) / (2 * rounds) });
}

/**
 * Raw Node net as bench/stream-node.js does (same sizes), over a unix socket
 * in dir or, when dir is null, TCP on 127.0.0.1; `prefix` names the figures.
 */
async function nodeNet(dir, prefix) {
  const server = net.createServer();
  const gotConn = new Promise((r) => server.once('connection', r));
  const addr = await new Promise((r) => {
    if (dir) { const p = path.join(dir, 'node.sock'); server.listen(p, () => r({ path: p })); }
    else server.listen(0, '127.0.0.1', () => r({ host: '127.0.0.1', port: server.address().port }));
  });
  const c = net.connect(addr);
  await new Promise((r) => c.once('connect', r));
  const a = await gotConn;

  const buf = Buffer.alloc(CHUNK, 7);
  let t0 = ns();
  const recv = new Promise((resolve) => {
    let got = 0;
    a.on('data', function onData(d) {
      got += d.length;
      if (got >= TOTAL) { a.removeListener('data', onData); resolve(); }
    });
  });
  await new Promise((resolve) => {
    let sent = 0;
    (function more() {
      while (sent < TOTAL) {
        sent += CHUNK;
        if (!c.write(buf)) { c.once('drain', more); return; }
      }
      resolve();
    })();
  });
  await recv;
  let t1 = ns();
  out({ name: `${prefix}node bulk`, mbps: TOTAL / 1048576 / secs(t0, t1) });

  a.on('data', (d) => a.write(d));
  const x = Buffer.from('x');
  const rounds = (k) => new Promise((resolve) => {
    let i = 0;
    c.on('data', function onData() {
      if (++i === k) { c.removeListener('data', onData); resolve(); return; }
      c.write(x);
    });
    c.write(x);
  });
  await rounds(WARM);
  t0 = ns();
  await rounds(PINGS);
  t1 = ns();
  out({ name: `${prefix}node ping-pong`, us: Number(t1 - t0) / 1e3 / PINGS });
  c.destroy(); a.destroy(); server.close();
}

/**
 * The TCP ping-pong over raw Node net again, written as an async API would
 * be used: one awaited Promise per send and per receive (what a call from
 * TypeScript costs at least, whatever the library does).
 */
async function nodeNetPromises() {
  const server = net.createServer();
  const gotConn = new Promise((r) => server.once('connection', r));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const c = net.connect({ host: '127.0.0.1', port: server.address().port });
  await new Promise((r) => c.once('connect', r));
  const a = await gotConn;
  // recv(): a Promise of the next byte.
  const reader = (sock) => {
    let waiting = null, have = 0;
    sock.on('data', (d) => {
      have += d.length;
      if (waiting) { const w = waiting; waiting = null; have--; w(1); }
    });
    return () => {
      if (have > 0) { have--; return Promise.resolve(1); }
      return new Promise((r) => { waiting = r; });
    };
  };
  const recvC = reader(c), recvA = reader(a);
  const x = Buffer.from('x');
  const send = (sock) => { sock.write(x); return Promise.resolve(1); };
  const rounds = (k) => Promise.all([
    (async () => { for (let i = 0; i < k; i++) { await send(c); await recvC(); } })(),
    (async () => { for (let i = 0; i < k; i++) { await recvA(); await send(a); } })(),
  ]);
  await rounds(WARM);
  const t0 = ns();
  await rounds(PINGS);
  const t1 = ns();
  out({ name: 'tcp node promise ping-pong', us: Number(t1 - t0) / 1e3 / PINGS });
  c.destroy(); a.destroy(); server.close();
}

(async () => {
  const only = process.argv[2] === '--only' ? process.argv[3] : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-bench-ts-'));
  try {
    // Baselines first: once a go() has run, AsyncLocalStorage's promise
    // hooks are on for the whole process and would slow them down too.
    const want = (n) => !only || only === n;
    if (want('ipc')) await nodeNet(dir, '');
    if (want('tcp')) await nodeNet(null, 'tcp ');
    if (want('tcp')) await nodeNetPromises();
    if (want('channel')) await jsChannel();
    const dill = await load();
    if (want('sync')) syncCalls(dill);
    if (want('calls')) await tsCalls(dill);
    if (want('ipc')) await tsStream(dill, await connectPair(dill, path.join(dir, 'ts.sock')), '');
    if (want('tcp')) await tsStream(dill, await tcpPair(dill), 'tcp ');
    if (want('channel')) await tsChannel(dill);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
