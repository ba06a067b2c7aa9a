/**
 * dill-conformance: compile and run standalone libdill test programs.
 *
 *   dill-conformance [--json] [--timeout SEC] [--jobs N] [--cwd DIR]
 *                    [--allow-skipped] DIR|FILE.c ...
 *
 * Every .c file is one program; it passes when it exits with status 0.  A
 * program that fails to compile because it uses a libdill function this
 * build does not have yet is skipped, and the reason names the function.
 * Programs run in the runner's working directory (or --cwd DIR), as a test
 * harness runs them from a project's root.  The exit status is 1 when a
 * program failed or was skipped (skips are accepted with --allow-skipped).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { compileAsync } from '../toolchain';
import { LIBDILL_API_NAMES } from './api-names';

export type Status = 'passed' | 'failed' | 'skipped';

export interface Result {
  test: string;
  status: Status;
  compiled: boolean;
  exitCode: number | null;
  ms: number;
  reason: string;
}

interface Options {
  json: boolean;
  timeoutMs: number;
  jobs: number;
  cwd: string;
  allowSkipped: boolean;
  inputs: string[];
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = {
    json: false, timeoutMs: 60_000, jobs: os.cpus().length, cwd: process.cwd(), allowSkipped: false, inputs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '--allow-skipped') o.allowSkipped = true;
    else if (a === '--cwd') {
      if (i + 1 >= argv.length) return '--cwd takes a directory';
      o.cwd = path.resolve(argv[++i]);
      if (!fs.existsSync(o.cwd) || !fs.statSync(o.cwd).isDirectory()) return `--cwd: ${o.cwd} is not a directory`;
    } else if (a === '--timeout' || a === '--jobs') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) return `${a} takes a positive number`;
      if (a === '--timeout') o.timeoutMs = v * 1000;
      else o.jobs = Math.floor(v);
    } else if (a === '--help' || a === '-h') {
      return 'usage';
    } else if (a.startsWith('-')) {
      return `unknown option ${a}`;
    } else o.inputs.push(a);
  }
  if (o.inputs.length === 0) return 'usage';
  return o;
}

/** The .c files named, or found directly in the named directories. */
function collect(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    const st = fs.statSync(input);
    if (st.isDirectory()) {
      for (const f of fs.readdirSync(input).sort()) {
        if (f.endsWith('.c')) files.push(path.join(input, f));
      }
    } else files.push(input);
  }
  return files;
}

/** If a compile error comes from a libdill name we lack, that name. */
export function missingApiName(stderr: string): string | null {
  const patterns = [
    /(?:implicit declaration of function|call to undeclared function) '(\w+)'/g,
    /use of undeclared identifier '(\w+)'/g,
    /incomplete type '(?:const )?struct (\w+)'/g,
    /undefined symbol: (\w+)/g,
    /unknown type name '(\w+)'/g,
  ];
  for (const re of patterns) {
    for (const m of stderr.matchAll(re)) {
      const name = m[1].replace(/^dill_/, '');
      if (LIBDILL_API_NAMES.has(name)) return name;
    }
  }
  return null;
}

/** The compiler's first error line (FILE:LINE:COL: error: ...), if any. */
function firstError(text: string): string | null {
  return text.split('\n').find((l) => /\berror\b/.test(l) && l.length < 500) ?? null;
}

function lastLines(text: string, n: number): string {
  const lines = text.trim().split('\n').filter((l) => l.length < 500);
  return lines.slice(-n).join(' | ');
}

/**
 * Lay the test out in a scratch folder: the .c file and the headers beside
 * it in sub/, so that it compiles as cc compiles it in place (its folder is
 * searched for "quoted" includes only, first, and is not a -I folder: a
 * test's own assert.h that includes <assert.h> gets the system's), except
 * that libdill.h and libdillimpl.h are always ours, also as "../libdill.h"
 * (in upstream's tree the folder above its tests holds upstream's header).
 */
function stage(file: string, scratch: string): string {
  const sub = path.join(scratch, 'sub');
  fs.mkdirSync(sub, { recursive: true });
  const dir = path.dirname(file);
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.h') && f !== 'libdill.h' && f !== 'libdillimpl.h') {
      fs.copyFileSync(path.join(dir, f), path.join(sub, f));
    }
  }
  const src = path.join(sub, path.basename(file));
  fs.copyFileSync(file, src);
  return src;
}

function run(js: string, timeoutMs: number, cwd: string):
    Promise<{ code: number | null; signal: string | null; timedOut: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [js], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => { output = (output + d.toString()).slice(-8192); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, output });
    });
  });
}

async function runOne(file: string, timeoutMs: number, cwd: string): Promise<Result> {
  const test = path.basename(file, '.c');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `dillconf-${test}-`));
  const t0 = Date.now();
  try {
    const src = stage(file, scratch);
    const js = path.join(scratch, 'sub', `${test}.js`);
    const c = await compileAsync([src, '-o', js], scratch);
    if (c.code !== 0) {
      const name = missingApiName(c.stderr);
      // Messages name the program's own folder, not the scratch copy.
      const stderr = c.stderr.split(path.dirname(src) + path.sep).join(path.dirname(path.resolve(file)) + path.sep);
      return {
        test, compiled: false, exitCode: null, ms: Date.now() - t0,
        status: name ? 'skipped' : 'failed',
        reason: name ? `uses ${name}, not implemented yet` :
          `compile error: ${firstError(stderr) ?? lastLines(stderr, 3)}`,
      };
    }
    const t1 = Date.now();
    const r = await run(js, timeoutMs, cwd);
    const ms = Date.now() - t1;
    if (r.timedOut) {
      return { test, compiled: true, exitCode: null, ms, status: 'failed',
        reason: `timed out after ${timeoutMs / 1000}s` };
    }
    if (r.code === 0) return { test, compiled: true, exitCode: 0, ms, status: 'passed', reason: '' };
    return {
      test, compiled: true, exitCode: r.code, ms, status: 'failed',
      reason: r.signal ? `killed by ${r.signal}` : `exit status ${r.code}: ${lastLines(r.output, 3)}`,
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface RunOptions {
  /** Where the programs run (default: this process's working directory). */
  cwd?: string;
  /** Called with each result as it comes in. */
  onResult?: (r: Result) => void;
}

export async function runAll(files: string[], timeoutMs: number, jobs: number,
    opts: RunOptions = {}): Promise<Result[]> {
  const { onResult } = opts;
  const cwd = opts.cwd ?? process.cwd();
  const results: Result[] = new Array(files.length);
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const i = next++;
      results[i] = await runOne(files[i], timeoutMs, cwd);
      if (onResult) onResult(results[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return results;
}

function table(results: Result[]): string {
  const rows = results.map((r) => [
    r.test, r.compiled ? 'yes' : 'no',
    r.exitCode === null ? '-' : String(r.exitCode), `${r.ms} ms`,
    r.status + (r.reason ? ` (${r.reason})` : ''),
  ]);
  const head = ['test', 'compiled', 'exit', 'time', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < 4 ? r[i].length : 0))));
  const fmt = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n';
}

export function summary(results: Result[]) {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

export async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  if (typeof o === 'string') {
    const usage = 'usage: dill-conformance [--json] [--timeout SEC] [--jobs N] [--cwd DIR] [--allow-skipped] DIR|FILE.c ...\n';
    if (o === 'usage') { process.stdout.write(usage); return argv.length ? 0 : 2; }
    process.stderr.write(`dill-conformance: ${o}\n${usage}`);
    return 2;
  }
  let files: string[];
  try {
    files = collect(o.inputs);
  } catch (e) {
    process.stderr.write(`dill-conformance: ${(e as Error).message}\n`);
    return 2;
  }
  const results = await runAll(files, o.timeoutMs, o.jobs, { cwd: o.cwd });
  const s = summary(results);
  if (o.json) {
    const out = {
      results: results.map((r) => ({ test: r.test, status: r.status, exitCode: r.exitCode, ms: r.ms, reason: r.reason })),
      ...s,
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  } else {
    process.stdout.write(table(results));
    process.stdout.write(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped\n`);
  }
  return s.failed || (s.skipped && !o.allowSkipped) ? 1 : 0;
}
