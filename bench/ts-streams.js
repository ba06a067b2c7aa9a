#!/usr/bin/env node
/**
 * Streaming from TypeScript (npm run bench, section "streams"): a writer in
 * another process (bench/stream-writer.js, raw Node net) sends BENCH_STREAM_MIB
 * MiB as fast as the reader takes them, over a unix socket and over TCP on
 * 127.0.0.1; the reader, here, is in turn
 *   node for await    Node's own: for await (const chunk of netSocket)
 *   ours for await    for await (const chunk of ipcSocket / tcpSocket)
 *   node pipeline     stream.pipeline(netSocket, sink)
 *   ours pipeline     stream.pipeline(socket.toNodeStream(), sink)
 *   ours web          socket.readable (a web ReadableStream), read to the end
 * Each variant runs BENCH_REPS times, alternating; prints one JSON line per
 * (protocol, variant) with the median MB/s.
 */
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { pipeline, Writable } = require('stream');
const { Dill } = require('../dist/index.js');

const MIB = +(process.env.BENCH_STREAM_MIB || 256);
const REPS = +(process.env.BENCH_REPS || 5);

/** Starts the writer; resolves with where to connect. */
function writer(where) {
  const child = spawn(process.execPath, [path.join(__dirname, 'stream-writer.js'), where, String(MIB)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /ready ?(\d*)\n/.exec(out);
      if (m) resolve({ child, port: +m[1] });
    });
    child.on('error', reject);
  });
}

function sink(count) {
  return new Writable({ highWaterMark: 64 * 1024, write(c, _e, cb) { count.n += c.length; cb(); } });
}

const pipelineP = (a, b) => new Promise((res, rej) => pipeline(a, b, (e) => (e ? rej(e) : res())));

async function nodeSocket(proto, where, port) {
  const s = proto === 'ipc' ? net.connect(where) : net.connect(port, '127.0.0.1');
  await new Promise((res, rej) => { s.once('connect', res); s.once('error', rej); });
  return s;
}

async function ourSocket(d, proto, where, port) {
  return proto === 'ipc' ? d.ipcConnect(where) : d.tcpConnect(d.ipLocal('127.0.0.1', port));
}

const VARIANTS = {
  async 'node for await'(d, proto, where, port) {
    const s = await nodeSocket(proto, where, port);
    let n = 0;
    for await (const c of s) n += c.length;
    return n;
  },
  async 'ours for await'(d, proto, where, port) {
    const s = await ourSocket(d, proto, where, port);
    let n = 0;
    for await (const c of s) n += c.length;
    s.close();
    return n;
  },
  async 'node pipeline'(d, proto, where, port) {
    const s = await nodeSocket(proto, where, port);
    const count = { n: 0 };
    await pipelineP(s, sink(count));
    return count.n;
  },
  async 'ours pipeline'(d, proto, where, port) {
    const s = await ourSocket(d, proto, where, port);
    const count = { n: 0 };
    // The sink finishes: ending the Duplex's writable side is the half-close.
    await pipelineP(s.toNodeStream(), sink(count));
    return count.n;
  },
  async 'ours web'(d, proto, where, port) {
    const s = await ourSocket(d, proto, where, port);
    let n = 0;
    for await (const c of s.readable) n += c.length;
    s.close();
    return n;
  },
};

(async () => {
  const d = await Dill.load();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-streams-'));
  const results = {};
  for (const proto of ['ipc', 'tcp']) {
    for (let rep = 0; rep < REPS; rep++) {
      for (const [name, fn] of Object.entries(VARIANTS)) {
        const where = proto === 'ipc' ? path.join(dir, `s${rep}-${name.replace(/ /g, '-')}`) : 'tcp';
        const { child, port } = await writer(where);
        const t0 = performance.now();
        const n = await fn(d, proto, where, port);
        const ms = performance.now() - t0;
        await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
        if (n !== MIB * 1024 * 1024) throw new Error(`${proto} ${name}: ${n} bytes received`);
        (results[`${proto} ${name}`] ??= []).push(n / ms / 1000);
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [name, v] of Object.entries(results)) {
    v.sort((a, b) => a - b);
    console.log(JSON.stringify({ name, mbps: v[Math.floor(v.length / 2)], runs: v.map((x) => +x.toFixed(0)) }));
  }
})().catch((e) => { console.error(e); process.exit(1); });
