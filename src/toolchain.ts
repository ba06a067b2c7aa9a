/**
 * Where the pieces of libdill-wasm live, and how to compile a C program
 * against them with Emscripten.  Used by dillcc, dill-conformance and the
 * benchmarks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { ASYNC_IMPORTS as BOUNDARY_ASYNC_IMPORTS, LIBRARY_EXPORTS } from './gen/boundary';

/** The package root (the folder holding package.json). */
export const ROOT = path.resolve(__dirname, '..');
export const INCLUDE_DIR = path.join(ROOT, 'libdill', 'include');
/**
 * A folder inside INCLUDE_DIR, searched for "quoted" includes only (-iquote):
 * "../libdill.h" and "../libdillimpl.h" resolve from it to INCLUDE_DIR's
 * headers, for a program in any folder (after the program's own folder,
 * which the compiler searches first, as cc does).
 */
export const QUOTE_DIR = path.join(INCLUDE_DIR, 'quote');
export const LIBDILL_A = path.join(ROOT, 'wasm', 'build', 'libdill.a');
export const SHIM_DIR = path.join(ROOT, 'wasm', 'shim');
export const PROGRAM_PRE_JS = path.join(ROOT, 'wasm', 'program-pre.js');

/**
 * Imports of the shim that suspend the caller (Asyncify imports): the
 * DILL__MAY_SUSPEND names of libdill/host/boundary.h.
 */
export const ASYNC_IMPORTS: string[] = [...BOUNDARY_ASYNC_IMPORTS];

/** Exports the coroutine driver calls. */
export const DRIVER_EXPORTS = [
  '_main', '_malloc', '_free', '_dill__cr_run', '_dill__fiber_setup',
  '_dill__fiber_current', '_dill__main_start', '_dill__poll', '_dill__next_deadline',
];
/**
 * Functions that Asyncify must not instrument, though they reach a switch:
 * the driver's loop at the bottom of every coroutine and the switch point
 * (libdill/src/platform/fiber.c), and a C program's bottom frame
 * (dill__main_entry, libdill/src/platform/main.c), each written so that it
 * may be called afresh to rewind (each says why it is sound).  None is a
 * frame to unwind and rewind at every switch.
 */
const UNINSTRUMENTED = ['dill__cr_run', 'dill__fiber_step', 'dill__fiber_point_impl'];
const PROGRAM_UNINSTRUMENTED = [...UNINSTRUMENTED, 'dill__main_entry'];
/** Those of DRIVER_EXPORTS a C program has and the library module has not. */
const PROGRAM_EXPORTS = ['_main', '_dill__main_start'];

/** The library module the TypeScript bindings load (built by `make build`). */
export const HOST_DIR = path.join(ROOT, 'libdill', 'host');
export const HOST_PRE_JS = path.join(ROOT, 'wasm', 'host-pre.js');
export const HOST_CALLS_C = path.join(ROOT, 'wasm', 'build', 'gen', 'host_calls.c');
/** The JS library of the hooks C imports from the bindings (generated from boundary.h). */
export const HOST_HOOKS_JS = path.join(ROOT, 'wasm', 'build', 'gen', 'host-hooks.js');

/**
 * Exports of the library module: what the coroutine driver calls, and what
 * the TypeScript bindings call (the DILL__EXPORT and DILL__CALLS functions
 * of libdill/host/boundary.h, typed in src/gen/boundary.ts).
 */
export const HOST_EXPORTS = [...new Set([
  ...DRIVER_EXPORTS.filter((n) => !PROGRAM_EXPORTS.includes(n)),
  ...LIBRARY_EXPORTS,
])];

/** emcc arguments that build the library module into `outJs` (and .wasm beside it). */
export function hostArgs(outJs: string): string[] {
  const args = [
    '-O2', '-I', INCLUDE_DIR, '-I', HOST_DIR,
    ...hostSources(), HOST_CALLS_C, LIBDILL_A,
    '-o', outJs,
    '-sASYNCIFY=1',
    `-sASYNCIFY_IMPORTS=${JSON.stringify(ASYNC_IMPORTS)}`,
    `-sASYNCIFY_REMOVE=${JSON.stringify(UNINSTRUMENTED)}`,
    '-sALLOW_MEMORY_GROWTH=1',
    '-sMAXIMUM_MEMORY=4GB',
    '-sNODERAWFS=1',
    '-sENVIRONMENT=node',
    '-sMODULARIZE=1',
    '-sEXPORT_NAME=createLibdill',
    // A library touches no process-wide state: no 'uncaughtException' /
    // 'unhandledRejection' handlers (by default Emscripten's loader installs
    // both, and any error of the application then exits with code 7).
    '-sNODEJS_CATCH_EXIT=0',
    '-sNODEJS_CATCH_REJECTION=0',
    '--no-entry',
    `-sEXPORTED_FUNCTIONS=${HOST_EXPORTS.join(',')}`,
    '-sDEFAULT_LIBRARY_FUNCS_TO_INCLUDE=$DillFiber,$DillHost,$DillNet,$ERRNO_CODES',
    '--pre-js', HOST_PRE_JS,
    '--minify', '0',
  ];
  for (const lib of [...shimLibraries(), HOST_HOOKS_JS]) args.push('--js-library', lib);
  return args;
}

/** The C files of the host side (libdill/host/*.c). */
export function hostSources(): string[] {
  return fs.readdirSync(HOST_DIR)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => path.join(HOST_DIR, f));
}

/** Environment for emcc: Debian's emcc finds acorn only through NODE_PATH. */
export function emccEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const extra = '/usr/share/nodejs';
  env.NODE_PATH = env.NODE_PATH ? `${env.NODE_PATH}:${extra}` : extra;
  return env;
}

export function emccPath(): string {
  return process.env.EMCC || 'emcc';
}

export function shimLibraries(): string[] {
  return fs.readdirSync(SHIM_DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => path.join(SHIM_DIR, f));
}

/**
 * Flags that make emcc compile (and, unless -c, link) a libdill program.
 * Includes resolve as with cc: "quoted" ones first in the including file's
 * folder, then in the -iquote and -I folders; <angled> ones in the -I
 * folders and the system's.  Ours: <libdill.h> and "libdill.h" through -I
 * INCLUDE_DIR, "../libdill.h" through -iquote QUOTE_DIR.
 */
export function dillFlags(userArgs: string[]): string[] {
  const compileOnly = userArgs.some((a) => a === '-c' || a === '-E' || a === '-S' || a === '-M' || a === '-MM');
  const hasOpt = userArgs.some((a) => /^-O[0-3sz]?$/.test(a));
  const flags = ['-iquote', QUOTE_DIR, '-I', INCLUDE_DIR];
  if (!hasOpt) flags.push('-O2');
  if (compileOnly) return flags;
  if (!fs.existsSync(LIBDILL_A)) {
    throw new Error(`${LIBDILL_A} is missing: run 'make build' in ${ROOT}`);
  }
  flags.push(
    LIBDILL_A,
    '-sASYNCIFY=1',
    `-sASYNCIFY_IMPORTS=${JSON.stringify(withUserList(userArgs, 'ASYNCIFY_IMPORTS', ASYNC_IMPORTS))}`,
    `-sASYNCIFY_REMOVE=${JSON.stringify(withUserList(userArgs, 'ASYNCIFY_REMOVE', PROGRAM_UNINSTRUMENTED))}`,
    // With ASSERTIONS (-O0, -O1) emcc asks Asyncify to trap when a function
    // it does not instrument sees the state change across a call: ours do,
    // by design.  An empty value turns that check off (binaryen reads the
    // last --pass-arg given; these passes come after emcc's own).
    `-sBINARYEN_EXTRA_PASSES=${withUserList(userArgs, 'BINARYEN_EXTRA_PASSES', ['--pass-arg=asyncify-asserts@']).join(',')}`,
    '-sEXIT_RUNTIME=1',
    '-sALLOW_MEMORY_GROWTH=1',
    // Files are the real ones (sockets and pipes are our own FS streams).
    '-sNODERAWFS=1',
    '-sMAXIMUM_MEMORY=4GB',
    `-sEXPORTED_FUNCTIONS=${DRIVER_EXPORTS.join(',')}`,
    '--pre-js', PROGRAM_PRE_JS,
    '--minify', '0',
  );
  for (const lib of shimLibraries()) flags.push('--js-library', lib);
  return flags;
}

/**
 * `ours` with the items of the user's own `-sNAME=...` (a JSON list or a
 * comma-separated one) before them: ours come later on the command line,
 * and emcc keeps only the last value of a setting.
 */
export function withUserList(userArgs: string[], name: string, ours: string[]): string[] {
  const prefix = `-s${name}=`;
  const given = userArgs.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
  const items: string[] = [];
  for (const v of given) {
    const t = v.trim();
    const list = t.startsWith('[') ? t.slice(1, t.endsWith(']') ? -1 : undefined) : t;
    for (const item of list.split(',')) {
      const x = item.trim().replace(/^["']|["']$/g, '');
      if (x && !items.includes(x) && !ours.includes(x)) items.push(x);
    }
  }
  return [...items, ...ours];
}

/** Default output name when the user gives no -o. */
export function withDefaultOutput(userArgs: string[]): string[] {
  const compileOnly = userArgs.includes('-c');
  if (compileOnly || userArgs.includes('-o')) return userArgs;
  return [...userArgs, '-o', 'a.out.js'];
}

export interface CompileResult {
  code: number;
  stderr: string;
}

/** Compile asynchronously (used by the conformance runner, in parallel). */
export function compileAsync(args: string[], cwd?: string): Promise<CompileResult> {
  return new Promise((resolve) => {
    const argv = [...args, ...dillFlags(args)];
    const child = spawn(emccPath(), argv, { env: emccEnv(), cwd });
    let stderr = '';
    child.stdout.on('data', (d) => { stderr += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => resolve({ code: 127, stderr: String(e) }));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Compile synchronously, output passed through (used by dillcc). */
export function compileSync(args: string[]): number {
  const argv = [...args, ...dillFlags(args)];
  const r = spawnSync(emccPath(), argv, { env: emccEnv(), stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`dillcc: cannot run ${emccPath()}: ${r.error.message}\n`);
    return 127;
  }
  return r.status ?? 1;
}
