#!/usr/bin/env node
/**
 * npm run bench: builds the benchmark programs and prints every figure beside
 * the baseline measured in the same run.
 *
 * Baseline for the coroutine figures: a bare emscripten_fiber_swap between
 * two fibers (bench/fiber-swap.c, plain emcc -sASYNCIFY, no libdill).
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

const n = process.env.BENCH_N || '200000';
const core = build('core', [path.join(__dirname, 'core.c')],
  [path.join(__dirname, 'core.c'), tc.LIBDILL_A, ...tc.shimLibraries()]);
const swap = build('fiber-swap', [path.join(__dirname, 'fiber-swap.c'), '-O2', '-sASYNCIFY', '--pre-js', path.join(__dirname, 'node-pre.js')],
  [path.join(__dirname, 'fiber-swap.c')], true);

const base = run(swap, [n])[0];
const rows = run(core, [n]);

console.log(`libdill-wasm benchmarks (node ${process.version}, n=${n})`);
console.log('');
console.log(`${'operation'.padEnd(52)} ${'ns/op'.padStart(9)}   vs bare fiber swap (${base.ns.toFixed(1)} ns)`);
for (const r of rows) {
  console.log(`${r.name.padEnd(52)} ${r.ns.toFixed(1).padStart(9)}   ${(r.ns / base.ns).toFixed(2)}x`);
}
