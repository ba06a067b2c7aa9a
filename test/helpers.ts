/** Shared helpers for the jest suites: compile C programs with dillcc and run them. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const ROOT = path.resolve(__dirname, '..');
export const DILLCC = path.join(ROOT, 'bin', 'dillcc.js');
export const CONFORMANCE = path.join(ROOT, 'bin', 'dill-conformance.js');

export function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dill-${prefix}-`));
}

export interface Run { status: number | null; stdout: string; stderr: string }

export function node(args: string[], opts: { cwd?: string; timeout?: number } = {}): Run {
  const r = spawnSync(process.execPath, args, {
    cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeout ?? 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Write `source` to DIR/name.c and compile it to DIR/name.js with dillcc. */
export function compile(dir: string, name: string, source: string, extra: string[] = []): string {
  const c = path.join(dir, `${name}.c`);
  fs.writeFileSync(c, source);
  const js = path.join(dir, `${name}.js`);
  const r = node([DILLCC, c, '-o', js, ...extra]);
  if (r.status !== 0) throw new Error(`dillcc failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return js;
}
