#!/usr/bin/env node
/**
 * npm run bench: builds the benchmark programs and prints every figure beside
 * the baseline measured in the same run.
 *
 * Baselines: for the coroutine figures, a bare emscripten_fiber_swap
 * between two fibers (bench/fiber-swap.c, plain emcc -sASYNCIFY, no
 * libdill); for IPC and TCP (bench/stream.c), raw Node net over a unix
 * socket or TCP on 127.0.0.1 doing the same (bench/stream-node.js); for UDP
 * (bench/udp.c), raw Node dgram (bench/udp-node.js); for WebSocket
 * (bench/ws.c), the npm ws package (bench/ws-node.js); for PREFIX
 * (bench/prefix.c), raw Node net doing the same framing
 * (bench/prefix-node.js); for TLS (bench/tls.c), Node's tls over net
 * (bench/tls-node.js); for the TypeScript
 * bindings (bench/ts.js), raw Node net, a promise-based JS channel and
 * Date.now()/performance.now(), measured in the same process.
 *
 * For streaming from TypeScript (bench/ts-streams.js: for await, a Duplex
 * in stream.pipeline, web streams), Node's own for await and pipeline over
 * a net.Socket, reading from the same writer process (bench/stream-writer.js).
 *
 * Native libdill: where ../shared/oracle is, every C program is also built
 * against upstream libdill natively (dill-native cc) and run the same way,
 * in a column between ours and the baseline; without it, each table says so.
 *
 * BENCH_ONLY=core,ipc,tcp,udp,ws,prefix,tls,ts,streams (any of them) runs only those sections;
 * BENCH_REPS (5) two-process repetitions and core runs; BENCH_TS_REPS (3) ts.js runs.
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

/** ../shared/oracle/dill-native (upstream libdill, natively), or null where it is not. */
const ORACLE = path.join(tc.ROOT, '..', 'shared', 'oracle', 'dill-native');

/**
 * `src` built against native libdill with the oracle (rebuilt when older
 * than its source); null without the oracle or if that build fails (said
 * on stderr).
 */
function nativeBuild(name, src, headers = [], flags = []) {
  if (!fs.existsSync(ORACLE)) return null;
  const out = path.join(OUT, `${name}-native`);
  if (!newer(out, [src, ...headers])) return out;
  const r = spawnSync(ORACLE, ['cc', src, '-o', out, ...flags], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`native ${name}: the oracle's build failed, no native column\n${r.stdout}${r.stderr}`);
    return null;
  }
  return out;
}

/** What a table says in place of the native column when it has none. */
const NO_NATIVE = fs.existsSync(ORACLE) ? '(native libdill: its build failed, see above)' : '(native libdill: no ../shared/oracle here)';

/**
 * A run that takes longer than this (ms) has hung: ours or Node's, or native
 * libdill's (a mode that deadlocks natively, as ws's echo does today).
 */
const TIMEOUT = 300000, NATIVE_TIMEOUT = 60000;

/**
 * The command, arguments and time limit that start `argv`: a .js program
 * under this Node, anything else (a native build) as an executable.
 */
function command(argv) {
  return argv[0].endsWith('.js') ? [process.execPath, argv, TIMEOUT] : [argv[0], argv.slice(1), NATIVE_TIMEOUT];
}

const jsonLines = (out) => out.trim().split('\n').map((l) => JSON.parse(l));

/** The error for a run that failed, with the JSON lines it printed before (`lines`). */
function failure(what, r) {
  const how = r.error && r.error.code === 'ETIMEDOUT' ? 'hung: killed at its time limit' : r.signal || `exit ${r.status}`;
  const e = new Error(`${what} failed (${how}): ${(r.stderr || '').slice(-2000)}`);
  e.lines = (r.stdout || '').split('\n').flatMap((l) => { try { return [JSON.parse(l)]; } catch { return []; } });
  return e;
}

/** Runs `prog` (ours, Node's or a native build) to the end; its JSON lines. */
function run(prog, args) {
  const [cmd, argv, timeout] = command([prog, ...args]);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout });
  if (r.status !== 0) throw failure(`${path.basename(prog)} ${args.join(' ')}`, r);
  return jsonLines(r.stdout);
}

const os = require('os');
const { spawn } = require('child_process');

/**
 * Runs `serve` (an argv, its program first) in a child process until it
 * prints "ready" (optionally followed by a port), then `client(port)` (an
 * argv too) here.  Resolves with the client's JSON lines, followed by the
 * server's when `waitServer` (the server is then waited for rather than
 * killed).  Rejects if either fails, the server before it is ready.
 */
function twoProcesses(serveArgv, client, waitServer) {
  const [cmd, argv] = command(serveArgv);
  const server = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let started = false;
  const exited = new Promise((r) => server.on('close', r));
  return new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => {
      out += d;
      const m = /ready ?(\d*)\n/.exec(out);
      if (started || !m) return;
      started = true;
      const [ccmd, cargv, timeout] = command(client(m[1]));
      const r = spawnSync(ccmd, cargv, { encoding: 'utf8', timeout });
      if (r.status !== 0) { reject(failure(`${path.basename(ccmd)} client`, r)); return; }
      const lines = jsonLines(r.stdout);
      if (!waitServer) { resolve(lines); return; }
      exited.then(() => resolve([...lines, ...out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))]));
    });
    server.on('error', reject);
    exited.then((code) => { if (!started) reject(new Error(`${path.basename(cmd)} serve exited (${code}) before it was ready`)); });
  }).finally(() => server.kill());
}

/** Row-wise median of several runs' rows (same names, same order), of every numeric field. */
function median(runs) {
  return runs[0].map((row, i) => {
    const m = { ...row, reps: runs.length };
    for (const key of Object.keys(row)) {
      if (typeof row[key] !== 'number') continue;
      const vals = runs.map((r) => r[i][key]).sort((a, b) => a - b);
      m[key] = vals[Math.floor(vals.length / 2)];
    }
    return m;
  });
}

/**
 * Native libdill's runs in one section (`exe`, its native build, or null):
 * `add(mode, f)` runs `f(exe)` and keeps its rows by mode; a mode that
 * fails is said on stderr and not run again: the rows its failing run
 * printed before it failed are kept, the cells of the others stay empty.
 * `rows()`: the median of each mode's runs (the rows they all have), every
 * mode together.
 */
function nativeRuns(exe) {
  const runs = new Map(), failed = new Set();
  return {
    exe,
    async add(mode, f) {
      if (!exe || failed.has(mode)) return;
      try {
        if (!runs.has(mode)) runs.set(mode, []);
        runs.get(mode).push(await f(exe));
      } catch (e) {
        failed.add(mode);
        if (e.lines && e.lines.length) runs.get(mode).push(e.lines);
        else runs.delete(mode);
        process.stderr.write(`native libdill, ${path.basename(exe)} ${mode}: ${e.message.trim()}\n`);
      }
    },
    rows: () => [...runs.values()].flatMap((rs) => {
      const k = Math.min(...rs.map((r) => r.length));
      return median(rs.map((r) => r.slice(0, k)));
    }),
  };
}

/** Native libdill's column heads (figure, our ratio to it), or the note that there is none. */
const nativeHead = (exe, w) => (exe ? `${'native libdill'.padStart(w)} ${'vs native'.padStart(9)}   ` : '');
const nativeNote = (exe) => (exe ? '' : `  ${NO_NATIVE}`);

/**
 * Native libdill's cell for our row `r`: its figure (`fmt(row)`, padded to
 * `w`) and our ratio to it (`value(row)`, ours over native's); blank when
 * native has no such row, nothing when there is no native column.
 */
function nativeCell(exe, nrows, r, w, fmt, value) {
  if (!exe) return '';
  const nr = nrows.find((x) => x.name === r.name);
  if (!nr) return `${''.padStart(w)} ${''.padStart(9)}   `;
  // (Two significant digits for a ratio under 0.1: 88 ms against 17 µs is not 0.00x.)
  const q = value(r) / value(nr);
  return `${fmt(nr).padStart(w)} ${`${q >= 0.1 ? q.toFixed(2) : q.toPrecision(2)}x`.padStart(9)}   `;
}

const n = process.env.BENCH_N || '200000';
// BENCH_ONLY=core,ipc,tcp,udp,ws,prefix,tls,ts,streams runs only those sections.
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const want = (s) => !only || only.includes(s);
const core = want('core') && build('core', [path.join(__dirname, 'core.c')],
  [path.join(__dirname, 'core.c'), path.join(__dirname, 'clock.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const swap = want('core') && build('fiber-swap', [path.join(__dirname, 'fiber-swap.c'), '-O2', '-sASYNCIFY', '--pre-js', path.join(__dirname, 'node-pre.js')],
  [path.join(__dirname, 'fiber-swap.c')], true);


const stream = (want('ipc') || want('tcp')) && build('stream', [path.join(__dirname, 'stream.c')],
  [path.join(__dirname, 'stream.c'), path.join(__dirname, 'clock.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodeStream = path.join(__dirname, 'stream-node.js');
const udp = want('udp') && build('udp', [path.join(__dirname, 'udp.c')],
  [path.join(__dirname, 'udp.c'), path.join(__dirname, 'clock.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodeUdp = path.join(__dirname, 'udp-node.js');
const wsBench = want('ws') && build('ws', [path.join(__dirname, 'ws.c')],
  [path.join(__dirname, 'ws.c'), path.join(__dirname, 'clock.h'), path.join(__dirname, 'bench-tcp.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodeWs = path.join(__dirname, 'ws-node.js');
const prefixBench = want('prefix') && build('prefix', [path.join(__dirname, 'prefix.c')],
  [path.join(__dirname, 'prefix.c'), path.join(__dirname, 'clock.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodePrefix = path.join(__dirname, 'prefix-node.js');
const tlsBench = want('tls') && build('tls', [path.join(__dirname, 'tls.c')],
  [path.join(__dirname, 'tls.c'), path.join(__dirname, 'clock.h'), path.join(__dirname, 'bench-tcp.h'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const nodeTls = path.join(__dirname, 'tls-node.js');
// The same programs built against native libdill, where the oracle is (a user's clone has none).
const nativeOf = (ours, name, headers, flags) => ours && nativeBuild(name, path.join(__dirname, `${name}.c`),
  headers.map((h) => path.join(__dirname, h)), flags);
const nativeStream = nativeOf(stream, 'stream', ['clock.h']);
const nativeUdp = nativeOf(udp, 'udp', ['clock.h']);
// Upstream's WebSocket client writes a masked payload one byte per syscall:
// its 64 KiB messages are 16 (1 MiB) rather than 2048 (128 MiB, ten minutes).
// And it writes a frame in pieces without TCP_NODELAY, so each small
// message waits for the peer's delayed acknowledgement (about 88 ms a round
// trip): 20 round trips rather than 20,000 (half an hour).
const NATIVE_WS_BULK = 16, NATIVE_WS_PINGS = 20;
const nativeWs = nativeOf(wsBench, 'ws', ['clock.h', 'bench-tcp.h'], [`-DBULK=${NATIVE_WS_BULK}`, `-DPINGS=${NATIVE_WS_PINGS}`]);
const nativePrefix = nativeOf(prefixBench, 'prefix', ['clock.h']);
const nativeTls = nativeOf(tlsBench, 'tls', ['clock.h', 'bench-tcp.h']);

console.log(`libdill-wasm benchmarks (node ${process.version}, n=${n})`);
// The machine's cores are shared with everything else, so figures vary from
// run to run (by a third at times, in phases of seconds): both sides run
// REPS times, alternating, and the median of each is shown.
const REPS = +(process.env.BENCH_REPS || 5);

if (want('core')) {
  // Native libdill beside ours, where the oracle is (a user's clone has none).
  const native = nativeBuild('core', path.join(__dirname, 'core.c'), [path.join(__dirname, 'clock.h')]);
  // The VM's speed changes from one minute to the next (native libdill's
  // yield measured 13 and 24 ns within minutes): medians of REPS
  // alternating runs of the fiber swap, ours and native libdill's.
  const bases = [], ours = [], natives = [];
  for (let i = 0; i < REPS; i++) {
    bases.push(run(swap, [n]));
    ours.push(run(core, [n]));
    if (native && (i === 0 || natives.length)) {
      try { natives.push(run(native, [n])); } catch (e) {
        process.stderr.write(`native libdill, core: ${e.message.trim()}\n`);
        natives.length = 0;
      }
    }
  }
  const base = median(bases)[0];
  const rows = median(ours);
  const nrows = natives.length ? median(natives) : null;
  console.log('');
  console.log(`${`operation (medians of ${REPS} alternating runs)`.padEnd(52)} ${'ns/op'.padStart(9)}   ${'vs fiber swap'.padEnd(14)}${nrows ? `${'native ns/op'.padStart(12)}   vs native` : native ? '(native libdill: its run failed, see above)' : NO_NATIVE}`);
  console.log(`${''.padEnd(52)} ${''.padStart(9)}   ${`(${base.ns.toFixed(1)} ns)`.padEnd(14)}`);
  for (const r of rows) {
    const nr = nrows && nrows.find((x) => x.name === r.name);
    const nat = nr ? `${nr.ns.toFixed(1).padStart(12)}   ${(r.ns / nr.ns).toFixed(2)}x` : '';
    console.log(`${r.name.padEnd(52)} ${r.ns.toFixed(1).padStart(9)}   ${`${(r.ns / base.ns).toFixed(2)}x`.padEnd(14)}${nat}`);
  }
}

/** Our figures and raw Node net's, over a unix socket (ipc) or TCP on 127.0.0.1 (tcp), native libdill's between. */
async function streams(proto, dir) {
  const native = nativeRuns(nativeStream);
  const oursOne = [], theirsOne = [], oursTwo = [], theirsTwo = [];
  const sock = (name) => (proto === 'ipc' ? [path.join(dir, name)] : []);
  const two = (prog, name) => twoProcesses([prog, proto, 'serve', ...sock(name)],
    (port) => [prog, proto, 'client', proto === 'ipc' ? path.join(dir, name) : port]);
  const ndir = path.join(dir, 'native');
  fs.mkdirSync(ndir, { recursive: true });
  for (let i = 0; i < REPS; i++) {
    oursOne.push([...run(stream, [proto, 'inproc', dir]), ...(proto === 'ipc' ? run(stream, ['ipc', 'pair']) : [])]);
    await native.add('inproc', (exe) => run(exe, [proto, 'inproc', ndir]));
    if (proto === 'ipc') await native.add('pair', (exe) => run(exe, ['ipc', 'pair']));
    theirsOne.push(run(nodeStream, [proto, 'inproc', dir]));
    oursTwo.push(await two(stream, 'x.sock'));
    await native.add('serve/client', (exe) => two(exe, 'c.sock'));
    theirsTwo.push(await two(nodeStream, 'n.sock'));
    for (const s of ['x.sock', 'c.sock', 'n.sock']) fs.rmSync(path.join(dir, s), { force: true });
  }
  printStreams(proto, [...median(oursOne), ...median(oursTwo)], native, [...median(theirsOne), ...median(theirsTwo)]);
}

function printStreams(proto, ours, native, theirs) {
  const nrows = native.rows();
  const find = (re) => theirs.find((r) => re.test(r.name));
  const title = proto === 'ipc' ? 'IPC, unix socket' : 'TCP, 127.0.0.1';
  console.log('');
  console.log(`${(title + ' (64 KiB bsend -> brecv, 256 MiB; 1-byte ping-pong)').padEnd(60)} ${'ours'.padStart(12)} ${nativeHead(native.exe, 16)}${'raw Node net'.padStart(14)}   ${'ratio'.padStart(6)}  target${nativeNote(native.exe)}`);
  for (const r of ours) {
    const two = /two processes/.test(r.name);
    const isBulk = r.mbps !== undefined;
    const b = isBulk ? find(two ? /bulk, two/ : /bulk, one/) : find(two ? /ping-pong, two/ : /ping-pong, one/);
    const unit = isBulk ? 'MB/s' : 'us';
    const val = (x) => (isBulk ? x.mbps : x.us);
    const v = val(r), bv = val(b);
    const ratio = v / bv;
    // Throughput: higher is better (target >= 1.0x raw); latency: lower (<= 1.1x).
    const met = isBulk ? ratio >= 1.0 : ratio <= 1.1;
    const target = `${isBulk ? '>= 1.0x' : '<= 1.1x'} ${met ? 'met' : 'MISSED'}`;
    const name = r.reps ? `${r.name} (median of ${r.reps})` : r.name;
    const nat = nativeCell(native.exe, nrows, r, 16, (x) => `${val(x).toFixed(1)} ${unit}`, val);
    console.log(`${name.padEnd(60)} ${(v.toFixed(1) + ' ' + unit).padStart(12)} ${nat}${(bv.toFixed(1) + ' ' + unit).padStart(14)}   ${(ratio.toFixed(2) + 'x').padStart(6)}  ${target}`);
  }
}

/** UDP datagram rates, ours, native libdill's and raw Node dgram's, sent and received, with the loss. */
async function datagrams() {
  const count = process.env.BENCH_UDP_N || '200000';
  const native = nativeRuns(nativeUdp);
  const oursTwo = [], theirsTwo = [], oursFed = [], theirsFed = [], oursNamed = [];
  // Each pair's lines: the sender's {sent}, then the receiver's {recvd, count, n}.
  const merge = (lines) => [Object.assign({}, ...lines)];
  const two = async (prog) => merge(await twoProcesses([prog, 'recv', count], (port) => [prog, 'send', port, count], true));
  // Each receiver fed by the same sender (raw Node dgram's): what one receives
  // and loses then depends on the receiver alone, not on how fast its own
  // side's sender floods it.
  const FED = 'udp, two processes, Node\'s sender';
  const fed = async (prog, mode = 'recv', name = FED) =>
    [{ ...merge(await twoProcesses([prog, mode, count], (port) => [nodeUdp, 'send', port, count], true))[0], name }];
  // The same with each udp_recv asking for the sender's address (Node's
  // dgram always gives it): in libdill-wasm only receives without one read
  // a flood from the kernel directly.
  const NAMED = 'udp, two processes, Node\'s sender, with the sender';
  const named = (prog) => fed(prog, 'recvfrom', NAMED);
  for (let i = 0; i < REPS; i++) {
    oursTwo.push(await two(udp));
    await native.add('recv/send', two);
    theirsTwo.push(await two(nodeUdp));
    oursFed.push(await fed(udp));
    await native.add('recv from Node\'s sender', fed);
    theirsFed.push(await fed(nodeUdp));
    oursNamed.push(await named(udp));
    await native.add('recvfrom from Node\'s sender', named);
  }
  const oursOne = run(udp, ['inproc', count])[0];
  await native.add('inproc', (exe) => run(exe, ['inproc', count]));
  const rows = [
    ['one program', oursOne, run(nodeUdp, ['inproc', count])[0]],
    [`two processes (median of ${REPS})`, median(oursTwo)[0], median(theirsTwo)[0]],
    [`two processes, Node's sender to each (median of ${REPS})`, median(oursFed)[0], median(theirsFed)[0]],
    [`  the same, each udp_recv asking for the sender's address`, median(oursNamed)[0], median(theirsFed)[0]],
  ];
  printDatagrams(count, rows, native);
}

function printDatagrams(count, rows, native) {
  const nrows = native.rows();
  const k = (x) => `${(x / 1000).toFixed(0)}k/s`;
  const loss = (r) => `${(100 * (1 - r.count / r.n)).toFixed(1)}%`;
  const three = (r) => `${k(r.sent).padStart(9)} ${k(r.recvd).padStart(9)} ${loss(r).padStart(6)}    `;
  const ratios = (o, t) => `${(o.sent / t.sent).toFixed(2)}x / ${(o.recvd / t.recvd).toFixed(2)}x`;
  const group = (head) => head.padEnd(30);
  const sub = `${'sent'.padStart(9)} ${'received'.padStart(9)} ${'lost'.padStart(6)}    `;
  console.log('');
  console.log(`UDP, 127.0.0.1 (${count} datagrams of 64 bytes; udp_send -> udp_recv)${nativeNote(native.exe)}`);
  console.log(`${''.padEnd(60)} ${group('ours')}${native.exe ? group('native libdill') : ''}${group('raw Node dgram')}${'ratio'.padEnd(18)}${native.exe ? 'vs native' : ''}`.trimEnd());
  console.log(`${''.padEnd(60)} ${sub}${native.exe ? sub : ''}${sub}${'sent / received'.padEnd(18)}${native.exe ? 'sent / received' : ''}`.trimEnd());
  for (const [label, o, t] of rows) {
    const nr = nrows.find((x) => x.name === o.name);
    const nat = !native.exe ? '' : nr ? three(nr) : `${''.padStart(28)}    `;
    const vsNative = native.exe && nr ? `${''.padEnd(18 - ratios(o, t).length)}${ratios(o, nr)}` : '';
    console.log(`${label.padEnd(60)} ${three(o)}${nat}${three(t)}${ratios(o, t)}${vsNative}`);
  }
}

/**
 * WebSocket over TCP 127.0.0.1 (bench/ws.c), beside native libdill's
 * build of it and the npm ws package doing the same exchange
 * (bench/ws-node.js): 16-byte echo round trips and 64 KiB messages one way;
 * one program, two processes, and the C client against a ws server.
 */
async function websockets() {
  const native = nativeRuns(nativeWs);
  const oursTwo = [], theirsTwo = [], mixed = [];
  const two = (prog) => twoProcesses([prog, 'serve'], (port) => [prog, 'client', port, 'two processes']);
  // (Not native libdill's client: ws-node.js's server waits for all 2048 messages.)
  const withWs = (prog) => twoProcesses([nodeWs, 'serve'], (port) => [prog, 'client', port, 'C client, ws server']);
  for (let i = 0; i < REPS; i++) {
    oursTwo.push(await two(wsBench));
    await native.add('serve/client', two);
    theirsTwo.push(await two(nodeWs));
    mixed.push(await withWs(wsBench));
  }
  const ours = [...run(wsBench, ['inproc']), ...median(oursTwo), ...median(mixed)];
  await native.add('inproc', (exe) => run(exe, ['inproc']));
  const theirs = [...run(nodeWs, ['inproc']), ...median(theirsTwo)];
  const nrows = native.rows();
  console.log('');
  console.log(`${'WebSocket, TCP 127.0.0.1 (C client <-> C server)'.padEnd(60)} ${'ours'.padStart(12)} ${nativeHead(native.exe, 16)}${'npm ws'.padStart(14)}   ${'ratio'.padStart(6)}${nativeNote(native.exe)}`);
  if (native.exe) {
    console.log(`(native libdill: ${NATIVE_WS_BULK} messages of 64 KiB, not 2048, as upstream's client writes them a byte per syscall;`);
    console.log(` ${NATIVE_WS_PINGS} round trips, not 20000, as each waits for a delayed acknowledgement)`);
  }
  for (const r of ours) {
    const isBulk = r.mbps !== undefined;
    const b = theirs.find((t) => (t.mbps !== undefined) === isBulk &&
      /one process/.test(t.name) === /one program/.test(r.name));
    const val = (x) => (isBulk ? x.mbps : x.us);
    const v = val(r), bv = val(b);
    const unit = isBulk ? 'MB/s' : 'us';
    const hint = isBulk ? '(higher is better)' : '(lower is better)';
    const name = r.reps ? `${r.name} (median of ${r.reps})` : r.name;
    const nat = nativeCell(native.exe, nrows, r, 16, (x) => `${val(x).toFixed(1)} ${unit}`, val);
    console.log(`${name.padEnd(60)} ${(v.toFixed(1) + ' ' + unit).padStart(12)} ${nat}${(bv.toFixed(1) + ' ' + unit).padStart(14)}   ${((v / bv).toFixed(2) + 'x').padStart(6)}  ${hint}`);
  }
}

/**
 * PREFIX message throughput (bench/prefix.c: prefix_attach with 4- or
 * 8-byte headers, msend -> mrecv), in one program and between two processes
 * over a unix socket and over TCP on 127.0.0.1, beside native libdill's
 * build of it and raw Node net doing the same 4-byte length-prefixed
 * framing (bench/prefix-node.js).
 */
async function prefixMessages(dir) {
  const native = nativeRuns(nativePrefix);
  const oursTwo = [], theirsTwo = [];
  const sock = path.join(dir, 'prefix.sock');
  // Over a unix socket (IPC), or TCP on 127.0.0.1: the server prints its port.
  const two = async (prog, mode, size, tcp) => {
    try {
      return await twoProcesses([prog, 'serve', tcp ? 'tcp' : sock, size], (port) => [prog, mode, tcp ? port : sock, size]);
    } finally { fs.rmSync(sock, { force: true }); }
  };
  // Our program's modes; the same 64 B messages framed by hand, one bsend each: the bytestream's own cost.
  const modes = [['client', '64'], ['client', '65536'], ['raw', '64']];
  for (let i = 0; i < REPS; i++) {
    const lines = [], theirs = [];
    for (const tcp of [false, true]) {
      for (const [mode, size] of modes) lines.push(...await two(prefixBench, mode, size, tcp));
      for (const [mode, size] of modes) {
        await native.add(`${mode} ${size}${tcp ? ' tcp' : ''}`, (exe) => two(exe, mode, size, tcp));
      }
      for (const size of ['64', '65536']) theirs.push(...await two(nodePrefix, 'client', size, tcp));
    }
    oursTwo.push(lines);
    theirsTwo.push(theirs);
  }
  const ours = [...run(prefixBench, ['inproc', dir]), ...median(oursTwo)];
  const ndir = path.join(dir, 'native');
  fs.mkdirSync(ndir, { recursive: true });
  await native.add('inproc', (exe) => run(exe, ['inproc', ndir]));
  const theirs = [...run(nodePrefix, ['inproc', dir]), ...median(theirsTwo)];
  const nrows = native.rows();
  const fmt = (x) => `${(x.msgs / 1000).toFixed(0)}k msg/s ${x.mbps.toFixed(0).padStart(5)} MB/s`;
  console.log('');
  console.log(`${'PREFIX on IPC (unix socket) and TCP (msend -> mrecv)'.padEnd(66)} ${'ours'.padStart(22)} ${nativeHead(native.exe, 22)}${'raw Node net'.padStart(22)}   ratio${nativeNote(native.exe)}`);
  // Node's row for ours: the same size, processes and transport.
  const kind = (name) => (/two processes/.test(name) ? (/TCP/.test(name) ? 'TCP' : 'IPC') : 'one');
  for (const r of ours) {
    const b = theirs.find((t) => t.size === r.size && kind(t.name) === kind(r.name));
    const name = r.reps ? `${r.name} (median of ${r.reps})` : r.name;
    const nat = nativeCell(native.exe, nrows, r, 22, fmt, (x) => x.msgs);
    console.log(`${name.padEnd(66)} ${fmt(r).padStart(22)} ${nat}${fmt(b).padStart(22)}   ${(r.msgs / b.msgs).toFixed(2)}x`);
  }
}

/**
 * TLS over TCP 127.0.0.1 (bench/tls.c: tls_attach_* on TCP sockets),
 * beside native libdill's build of it and Node's tls over net doing the
 * same exchange (bench/tls-node.js): 64 KiB writes one way, 16-byte echo
 * round trips, connect + handshake.  The certificate (EC P-256,
 * self-signed) is made here with openssl.
 */
async function tlsStreams(dir) {
  const cert = path.join(dir, 'tls.pem'), key = path.join(dir, 'tls.key');
  spawnSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const native = nativeRuns(nativeTls);
  const oursTwo = [], theirsTwo = [];
  const two = (prog) => twoProcesses([prog, 'serve', cert, key], (port) => [prog, 'client', port, 'two processes']);
  for (let i = 0; i < REPS; i++) {
    oursTwo.push(await two(tlsBench));
    await native.add('serve/client', two);
    theirsTwo.push(await two(nodeTls));
  }
  const ours = [...run(tlsBench, ['inproc', cert, key]), ...median(oursTwo)];
  await native.add('inproc', (exe) => run(exe, ['inproc', cert, key]));
  const theirs = [...run(nodeTls, ['inproc', cert, key]), ...median(theirsTwo)];
  const nrows = native.rows();
  console.log('');
  console.log(`${'TLS over TCP 127.0.0.1 (C client <-> C server)'.padEnd(60)} ${'ours'.padStart(12)} ${nativeHead(native.exe, 16)}${"Node's tls".padStart(14)}   ${'ratio'.padStart(6)}${nativeNote(native.exe)}`);
  for (const r of ours) {
    const unit = r.mbps !== undefined ? 'mbps' : r.us !== undefined ? 'us' : 'ms';
    const b = theirs.find((t) => t[unit] !== undefined && /one process/.test(t.name) === /one program/.test(r.name));
    const label = unit === 'mbps' ? 'MB/s' : unit;
    const hint = unit === 'mbps' ? '(higher is better)' : '(lower is better)';
    const name = r.reps ? `${r.name} (median of ${r.reps})` : r.name;
    const fmt = (x) => `${x[unit].toFixed(1)} ${label}`;
    const nat = nativeCell(native.exe, nrows, r, 16, fmt, (x) => x[unit]);
    console.log(`${name.padEnd(60)} ${fmt(r).padStart(12)} ${nat}${fmt(b).padStart(14)}   ${((r[unit] / b[unit]).toFixed(2) + 'x').padStart(6)}  ${hint}`);
  }
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-bench-'));
  try {
    if (want('ipc')) await streams('ipc', dir);
    if (want('tcp')) await streams('tcp', dir);
    if (want('udp')) await datagrams();
    if (want('ws')) await websockets();
    if (want('prefix')) await prefixMessages(dir);
    if (want('tls')) await tlsStreams(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (want('ts')) tsBindings();
  if (want('streams')) tsStreams();
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
    [`TCP bulk, 64 KiB bsend -> brecv, ${mib} MiB, 127.0.0.1`, 'tcp ts bulk', 'tcp node bulk', 'raw Node net, TCP', 'MB/s', true, 0.9],
    ['TCP 1-byte ping-pong (round trip), 127.0.0.1', 'tcp ts ping-pong', 'tcp node ping-pong', 'raw Node net, TCP', 'us', false, 1.2],
    ['TCP 1-byte ping-pong (round trip), 127.0.0.1', 'tcp ts ping-pong', 'tcp node promise ping-pong', 'raw net, a Promise per call', 'us', false, null],
    ['channel ping-pong, per message, two go() tasks', 'ts channel', 'js channel', 'promise-based JS channel', 'ns', false, null],
    ['one call over ipc_pair that completes at once', 'ts call, completes at once', 'await of a resolved Promise', 'await of a resolved Promise', 'ns', false, null],
    ['a brecv that waits, + the bsend that wakes it', 'ts brecv that waits, and the bsend that wakes it', 'await of a resolved Promise', 'await of a resolved Promise', 'ns', false, null],
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

/**
 * Streaming from TypeScript (bench/ts-streams.js): each reader beside Node's
 * own over a net.Socket, medians of BENCH_REPS alternating runs.
 */
function tsStreams() {
  const rows = run(path.join(__dirname, 'ts-streams.js'), []);
  const mbps = (name) => rows.find((r) => r.name === name).mbps;
  const mib = +(process.env.BENCH_STREAM_MIB || 256);
  console.log('');
  console.log(`Streaming from TypeScript (bench/ts-streams.js; ${mib} MiB from a writer process, raw Node net; medians of ${REPS} alternating runs)`);
  console.log(`${'figure'.padEnd(52)} ${'ours'.padStart(13)} ${'baseline'.padStart(13)}  ${'ratio'.padStart(6)}  ${'target'.padEnd(15)}  baseline`);
  for (const proto of ['ipc', 'tcp']) {
    const where = proto === 'ipc' ? 'unix socket' : 'TCP 127.0.0.1';
    for (const [label, ours, theirs, baseName, target] of [
      ['for await (const chunk of socket)', 'ours for await', 'node for await', 'Node for await over net.Socket', 0.9],
      ['pipeline(socket.toNodeStream(), sink)', 'ours pipeline', 'node pipeline', 'Node pipeline(net.Socket, sink)', 0.9],
      ['for await over socket.readable (web stream)', 'ours web', 'node for await', 'Node for await over net.Socket', null],
    ]) {
      const v = mbps(`${proto} ${ours}`), b = mbps(`${proto} ${theirs}`);
      const ratio = v / b;
      const t = target === null ? '' : `>= ${target}x ${ratio >= target ? 'met' : 'MISSED'}`;
      console.log(`${`${label}, ${where}`.padEnd(52)} ${`${v.toFixed(0)} MB/s`.padStart(13)} ${`${b.toFixed(0)} MB/s`.padStart(13)}  ${(ratio.toFixed(2) + 'x').padStart(6)}  ${t.padEnd(15)}  ${baseName}`);
    }
  }
}
