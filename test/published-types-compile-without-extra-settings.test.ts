/**
 * The published types stand alone: a fresh consumer project with strict
 * `module: nodenext` and nothing else (no "types": ["node"], no "lib", no
 * @types of its own: only what installing the package brings, its one
 * dependency @types/node, which the stream adapters' types need) type-checks
 * an ESM and a CommonJS module that import
 * the package and hold a socket and a listener with `await using` / `using`,
 * under TypeScript 5.x (the repo's typescript) and TypeScript 7 (tsgo, from
 * the pinned devDependency @typescript/native-preview).
 *
 * TypeScript 7's default lib for nodenext does not hold esnext.disposable
 * (Disposable, AsyncDisposable, Symbol.dispose/asyncDispose), which the
 * handles' types use; dist/index.d.ts asks for it with
 * `/// <reference lib="esnext.disposable" />` (from src/index.ts).
 *
 * The package's files are those `npm pack` would publish, copied into the
 * consumer's node_modules, with its dependencies as npm would install them
 * (copied from the repo's node_modules). Needs `make build` first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, tmpdir, node } from './helpers';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
// TSGO may name a tsgo installed elsewhere (the devDependency is the default).
const TSGO = process.env.TSGO ?? path.join(ROOT, 'node_modules', '@typescript', 'native-preview', 'bin', 'tsgo');

const ESM = `
import { Dill, DillError, type TcpSocket, type IpAddress } from 'libdill-wasm';

const d = await Dill.load();
await using listener = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
const addr: IpAddress = d.ipLocal('127.0.0.1', listener.port);
{
  await using client: TcpSocket<IpAddress> = await d.tcpConnect(addr, { signal: AbortSignal.timeout(1000) });
  using server = await listener.accept();
  const remote: IpAddress = client.remote;
  await client.send(new Uint8Array([1, 2, 3]));
  console.log(remote.port, server instanceof Object);
}
try {
  await d.tcpConnect(addr, { deadline: d.now() + 10 });
} catch (e) {
  if (e instanceof DillError) console.log(e.code);
}
`;

const CJS = `
import { Dill, load, type CApi } from 'libdill-wasm';

export async function main(): Promise<number> {
  const dill: CApi = await load();
  const d = await Dill.load();
  await using listener = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
  using socket = await d.tcpConnect(d.ipLocal('127.0.0.1', listener.port));
  listener[Symbol.dispose]();
  await socket[Symbol.asyncDispose]();
  return dill.now();
}
`;

describe('the published types compile without extra settings', () => {
  let dir: string;
  let proj: string;
  let installed: string[] = [];

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.d.mts'))) throw new Error("dist/ is not built: run 'make build'");
    if (!fs.existsSync(TSGO)) throw new Error(`no tsgo at ${TSGO}: run 'npm ci' (devDependency @typescript/native-preview)`);
    dir = tmpdir('types-alone');
    proj = path.join(dir, 'consumer');
    // What `npm pack` would publish, as an installed package.
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ROOT],
      { cwd: dir, encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`npm pack --dry-run failed:\n${r.stderr}`);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    const pkg = path.join(proj, 'node_modules', 'libdill-wasm');
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(pkg, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(pkg, f));
    }
    // Its dependencies (and theirs), as `npm install libdill-wasm` would add them.
    const deps = [...Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies ?? {})];
    for (let i = 0; i < deps.length; i++) {
      const from = path.join(ROOT, 'node_modules', deps[i]);
      fs.cpSync(from, path.join(proj, 'node_modules', deps[i]), { recursive: true });
      const more = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')).dependencies ?? {};
      for (const m of Object.keys(more)) if (!deps.includes(m)) deps.push(m);
    }
    installed = deps;
    fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    fs.writeFileSync(path.join(proj, 'esm-use.mts'), ESM);
    fs.writeFileSync(path.join(proj, 'cjs-use.cts'), CJS);
    // Strict nodenext and nothing else: no types, no lib, no typeRoots.
    fs.writeFileSync(path.join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', strict: true, skipLibCheck: false, noEmit: true },
      files: ['esm-use.mts', 'cjs-use.cts'],
    }));
  }, 60000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the consumer has only the package and what installing it brings: @types/node', () => {
    expect(installed).toContain('@types/node');
    expect(fs.readdirSync(path.join(proj, 'node_modules', '@types'))).toEqual(['node']);
    expect(fs.readdirSync(path.join(proj, 'node_modules')).sort()).toEqual(
      ['libdill-wasm', ...new Set(installed.map((d) => d.split('/')[0]))].sort());
  });

  test('TypeScript 5.x type-checks it', () => {
    expect(node([TSC, '--version']).stdout).toMatch(/^Version 5\./);
    const t = node([TSC, '-p', 'tsconfig.json'], { cwd: proj });
    expect(t.stdout + t.stderr).toBe('');
    expect(t.status).toBe(0);
  }, 60000);

  test('TypeScript 7 (tsgo) type-checks it', () => {
    expect(node([TSGO, '--version']).stdout).toMatch(/^Version 7\./);
    const t = node([TSGO, '-p', 'tsconfig.json'], { cwd: proj });
    expect(t.stdout + t.stderr).toBe('');
    expect(t.status).toBe(0);
  }, 60000);

  test('a type error in the consumer is still reported by both (the check is real)', () => {
    fs.writeFileSync(path.join(proj, 'bad.mts'), `
import { Dill } from 'libdill-wasm';
const d = await Dill.load();
using l = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
const s: string = l.port;
`);
    fs.writeFileSync(path.join(proj, 'tsconfig.bad.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', strict: true, noEmit: true }, files: ['bad.mts'],
    }));
    for (const c of [TSC, TSGO]) {
      const t = node([c, '-p', 'tsconfig.bad.json'], { cwd: proj });
      expect(t.stdout).toMatch(/bad\.mts\(5,7\): error TS2322/);
      expect(t.stdout).not.toMatch(/dist\//);
      expect(t.status).not.toBe(0);
    }
  }, 60000);
});
