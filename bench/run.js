#!/usr/bin/env node
/**
 * npm run bench: builds the benchmark programs and prints every figure beside
 * the baseline measured in the same run.
 *
 * Baselines: for the coroutine figures, a bare emscripten_fiber_swap
 * between two fibers (bench/fiber-swap.c, plain emcc -sASYNCIFY, no
 * libdill); for IPC, raw Node net over a unix socket doing the same
 * (bench/ipc-node.js); for the TypeScript bindings (bench/ts.js), raw Node
 * net, a promise-based JS channel and Date.now()/performance.now(), measured
 * in the same process.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const tc = require('../dist/toolchain.js');

const OUT = path.join(tc.ROOT, 'wasm', 'build', 'bench');
fs.mkdirSync(OUT, { recursive: true });

function newer(out, inputs) {
  if (!fs.existsSync(out)) return true;
  const t = fs.statSync(out).mtimeMs;
  return inputs.some((f) => fs.statSync(f).mtimeMs > t);
}

function build(name, args, inputs, plain) {
  const out = path.join(OUT, `${name}.js`);
  if (!newer(out, inputs)) return out;
  const argv = plain ? [...args, '-o', out] : [...args, '-o', out, ...tc.dillFlags(args)];
  const r = spawnSync(tc.emccPath(), argv, { env: tc.emccEnv(), stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building ${name} failed`);
  return out;
}

function run(js, args) {
  const r = spawnSync(process.execPath, [js, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${js} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

const os = require('os');
const { spawn } = require('child_process');

/** Runs `serve` in a child process, then `client` here; the client's JSON lines. */
function twoProcesses(serveArgv, clientArgv) {
  const server = spawn(process.execPath, serveArgv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let started = false;
    server.stdout.on('data', (d) => {
      if (started || !/ready/.test(String(d))) return;
      started = true;
      const r = spawnSync(process.execPath, clientArgv, { encoding: 'utf8' });
      if (r.status !== 0) reject(new Error(r.stderr.slice(-2000)));
      else resolve(r.stdout.trim().split('\n').map((l) => JSON.parse(l)));
    });
    server.on('error', reject);
  }).finally(() => server.kill());
}

/** Row-wise median of several runs' rows (same names, same order). */
function median(runs) {
  return runs[0].map((row, i) => {
    const key = row.mbps !== undefined ? 'mbps' : 'us';
    const vals = runs.map((r) => r[i][key]).sort((a, b) => a - b);
    return { ...row, [key]: vals[Math.floor(vals.length / 2)], reps: vals.length };
  });
}

const n = process.env.BENCH_N || '200000';
const core = build('core', [path.join(__dirname, 'core.c')],
  [path.join(__dirname, 'core.c'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const swap = build('fiber-swap', [path.join(__dirname, 'fiber-swap.c'), '-O2', '-sASYNCIFY', '--pre-js', path.join(__dirname, 'node-pre.js')],
  [path.join(__dirname, 'fiber-swap.c')], true);

const ipc = build('ipc', [path.join(__dirname, 'ipc.c')],
  [path.join(__dirname, 'ipc.c'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodeIpc = path.join(__dirname, 'ipc-node.js');

const base = run(swap, [n])[0];
const rows = run(core, [n]);

console.log(`libdill-wasm benchmarks (node ${process.version}, n=${n})`);
console.log('');
console.log(`${'operation'.padEnd(52)} ${'ns/op'.padStart(9)}   vs bare fiber swap (${base.ns.toFixed(1)} ns)`);
for (const r of rows) {
  console.log(`${r.name.padEnd(52)} ${r.ns.toFixed(1).padStart(9)}   ${(r.ns / base.ns).toFixed(2)}x`);
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-bench-'));
  try {
    // Two processes share the machine's cores with everything else, so
    // those figures vary from run to run: both sides run REPS times,
    // alternating, and the median of each is shown.
    const REPS = +(process.env.BENCH_REPS || 5);
    const oursTwo = [], theirsTwo = [];
    for (let i = 0; i < REPS; i++) {
      oursTwo.push(await twoProcesses([ipc, 'serve', path.join(dir, 'x.sock')], [ipc, 'client', path.join(dir, 'x.sock')]));
      theirsTwo.push(await twoProcesses([nodeIpc, 'serve', path.join(dir, 'n.sock')], [nodeIpc, 'client', path.join(dir, 'n.sock')]));
      fs.rmSync(path.join(dir, 'x.sock'), { force: true });
      fs.rmSync(path.join(dir, 'n.sock'), { force: true });
    }
    const ours = [
      ...run(ipc, ['inproc', dir]),
      ...run(ipc, ['pair']),
      ...median(oursTwo),
    ];
    const theirs = [
      ...run(nodeIpc, ['inproc', dir]),
      ...median(theirsTwo),
    ];
    const find = (re) => theirs.find((r) => re.test(r.name));
    console.log('');
    console.log(`${'IPC (64 KiB bsend -> brecv, 256 MiB; 1-byte ping-pong)'.padEnd(52)} ${'ours'.padStart(12)} ${'raw Node net'.padStart(14)}   ratio`);
    for (const r of ours) {
      const two = /two processes/.test(r.name);
      const b = r.mbps !== undefined ? find(two ? /bulk, two/ : /bulk, one/) : find(two ? /ping-pong, two/ : /ping-pong, one/);
      const unit = r.mbps !== undefined ? 'MB/s' : 'us';
      const v = r.mbps !== undefined ? r.mbps : r.us;
      const bv = r.mbps !== undefined ? b.mbps : b.us;
      // For throughput higher is better; for latency, lower.
      const ratio = r.mbps !== undefined ? v / bv : v / bv;
      const name = r.reps ? `${r.name} (median of ${r.reps})` : r.name;
      console.log(`${name.padEnd(52)} ${(v.toFixed(1) + ' ' + unit).padStart(12)} ${(bv.toFixed(1) + ' ' + unit).padStart(14)}   ${ratio.toFixed(2)}x`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  tsBindings();
})().catch((e) => { console.error(e); process.exit(1); });

/**
 * The TypeScript bindings (bench/ts.js), each figure beside its baseline from
 * the same process; both are the median of BENCH_TS_REPS runs (each run a
 * fresh process).
 */
function tsBindings() {
  const REPS = +(process.env.BENCH_TS_REPS || 3);
  const runs = [];
  for (let i = 0; i < REPS; i++) runs.push(run(path.join(__dirname, 'ts.js'), []));
  const med = (name) => {
    const vals = runs.map((r) => {
      const row = r.find((x) => x.name === name);
      return row.mbps !== undefined ? row.mbps : row.us !== undefined ? row.us : row.ns;
    }).sort((a, b) => a - b);
    return vals[Math.floor(vals.length / 2)];
  };
  const mib = +(process.env.BENCH_TS_MIB || 256);
  // [figure, ours, baseline, its name, unit, higher is better, target ratio]
  const rows = [
    [`bulk, 64 KiB bsend -> brecv, ${mib} MiB, two go() tasks`, 'ts bulk', 'node bulk', 'raw Node net', 'MB/s', true, 0.9],
    ['1-byte ping-pong (round trip), two go() tasks', 'ts ping-pong', 'node ping-pong', 'raw Node net', 'us', false, 1.2],
    ['channel ping-pong, per message, two go() tasks', 'ts channel', 'js channel', 'promise-based JS channel', 'ns', false, null],
    ['one synchronous call: now()', 'ts now()', 'Date.now()', 'Date.now()', 'ns', false, null],
    ['one synchronous call: now()', 'ts now()', 'performance.now()', 'performance.now()', 'ns', false, null],
  ];
  console.log('');
  console.log(`TypeScript bindings (bench/ts.js; medians of ${REPS} runs, each beside its baseline from the same process)`);
  console.log(`${'figure'.padEnd(52)} ${'ours'.padStart(13)} ${'baseline'.padStart(13)}  ${'ratio'.padStart(6)}  ${'target'.padEnd(15)}  baseline`);
  for (const [label, ours, theirs, baseName, unit, higher, target] of rows) {
    const v = med(ours), b = med(theirs);
    const ratio = v / b;
    let t = '';
    if (target !== null) {
      const met = higher ? ratio >= target : ratio <= target;
      t = `${higher ? '>=' : '<='} ${target}x ${met ? 'met' : 'MISSED'}`;
    }
    const fmt = (x) => `${x.toFixed(unit === 'MB/s' ? 0 : 1)} ${unit}`;
    console.log(`${label.padEnd(52)} ${fmt(v).padStart(13)} ${fmt(b).padStart(13)}  ${(ratio.toFixed(2) + 'x').padStart(6)}  ${t.padEnd(15)}  ${baseName}`);
  }
}
