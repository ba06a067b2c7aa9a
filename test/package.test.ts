/**
 * The npm package as a user gets it: `npm pack` the built tree, install the
 * tarball into a fresh project without the network (it has no runtime
 * dependencies), then load it with `import` (ESM) and `require` (CommonJS),
 * type-check a consumer of each kind against the shipped .d.ts/.d.mts, and
 * build and run examples/ts-ipc.ts (the README's IPC example) there.
 *
 * Needs `make build` first (it packs dist/ as it is; `npm pack` runs with
 * --ignore-scripts so that the prepack `make build` does not run here).
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, tmpdir, node } from './helpers';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** One ipc_pair, 'ping' through bsend/brecv, then ipc_done gives EPIPE; prints what it saw. */
const BODY = `
  const dill = await load();
  const s = [0, 0];
  const rc = dill.ipc_pair(s);
  const sent = dill.bsend(s[0], Buffer.from('ping'), 4, -1);
  const buf = new Uint8Array(4);
  const got = await dill.brecv(s[1], buf, 4, -1);
  const msg = Buffer.from(buf).toString();
  const done = await dill.ipc_done(s[0], -1);
  const eof = await dill.brecv(s[1], new Uint8Array(1), 1, -1);
  console.log(JSON.stringify({ rc, sent: await sent, got, msg, done, eof,
    epipe: dill.errno === dill.EPIPE, closed: [dill.hclose(s[0]), dill.hclose(s[1])] }));
`;
const EXPECTED = { rc: 0, sent: 0, got: 0, msg: 'ping', done: 0, eof: -1, epipe: true, closed: [0, 0] };

describe('npm package', () => {
  let dir: string;
  let proj: string;
  let files: string[];

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'index.mjs')) || !fs.existsSync(path.join(ROOT, 'dist', 'wasm', 'libdill.wasm'))) {
      throw new Error("dist/ is not built: run 'make build'");
    }
    dir = tmpdir('package');
    const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir, ROOT], dir));
    files = packed[0].files.map((f: { path: string }) => f.path);
    const tarball = path.join(dir, packed[0].filename);
    proj = path.join(dir, 'consumer');
    fs.mkdirSync(proj);
    fs.writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    // The package's dependency (@types/node, for the stream adapters' types)
    // and its own, already there as in an application that has them: npm
    // then installs offline, without the registry.
    for (const dep of ['@types/node', 'undici-types']) {
      fs.cpSync(path.join(ROOT, 'node_modules', dep), path.join(proj, 'node_modules', dep), { recursive: true });
    }
    npm(['install', '--offline', '--no-audit', '--no-fund', tarball], proj);
  }, 60000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball holds the library module, both entry points and their types; the README shows the example', () => {
    for (const f of ['dist/wasm/libdill.wasm', 'dist/wasm/libdill.js', 'dist/index.js', 'dist/index.d.ts',
      'dist/index.mjs', 'dist/index.d.mts', 'package.json',
      'bin/dillcc.js', 'libdill/include/libdill.h', 'libdill/include/quote/README.md']) {
      expect(files).toContain(f);
    }
    // The README shows examples/ts-ipc.ts as it is.
    const example = fs.readFileSync(path.join(ROOT, 'examples', 'ts-ipc.ts'), 'utf8').trimEnd();
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('```ts\n' + example + '\n```');
    const pkg = JSON.parse(fs.readFileSync(path.join(proj, 'node_modules', 'libdill-wasm', 'package.json'), 'utf8'));
    // No runtime dependency: the one dependency is types (Node's, which the
    // stream adapters' types use), any version an application already has.
    expect(pkg.dependencies ?? {}).toEqual({ '@types/node': '>=20' });
  });

  test('import { load } from "libdill-wasm" (ESM) works and re-exports every CommonJS export', () => {
    fs.writeFileSync(path.join(proj, 'esm.mjs'), `
import { load } from 'libdill-wasm';
import * as ns from 'libdill-wasm';
import { createRequire } from 'module';
const cjs = createRequire(import.meta.url)('libdill-wasm');
const missing = Object.keys(cjs).filter((k) => !(k in ns) || ns[k] !== cjs[k]);
if (missing.length) throw new Error('not re-exported: ' + missing.join(', '));
if (ns.default !== cjs) throw new Error('default export is not the CommonJS module');
${BODY}`);
    const r = node(['esm.mjs'], { cwd: proj });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  test('require("libdill-wasm") (CommonJS) works', () => {
    fs.writeFileSync(path.join(proj, 'cjs.cjs'), `
const { load } = require('libdill-wasm');
(async () => {${BODY}})().catch((e) => { console.error(e); process.exit(1); });`);
    const r = node(['cjs.cjs'], { cwd: proj });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  test('the installed dillcc compiles a C program that includes "../libdill.h"', () => {
    const t = path.join(proj, 'tests');
    fs.mkdirSync(t);
    fs.writeFileSync(path.join(t, 'p.c'),
      '#include "../libdill.h"\nint main(void) { return msleep(now() + 1) == 0 ? 7 : 1; }\n');
    const c = node([path.join(proj, 'node_modules', 'libdill-wasm', 'bin', 'dillcc.js'), 'tests/p.c', '-o', 'p.js'],
      { cwd: proj });
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    expect(node(['p.js'], { cwd: proj }).status).toBe(7);
  }, 60000);

  test('types: an ESM and a CommonJS TypeScript consumer type-check; the README example builds and runs', () => {
    fs.writeFileSync(path.join(proj, 'esm-use.mts'), `
import { load, type CApi } from 'libdill-wasm';
const dill: CApi = await load();
const n: number = dill.now();
const p: Promise<number> = dill.msleep(n + 1);
// @ts-expect-error: bsend needs a Uint8Array, not a string
dill.bsend(0, 'x', 1, -1);
export { p };
`);
    fs.writeFileSync(path.join(proj, 'cjs-use.cts'), `
import { load, type IoList } from 'libdill-wasm';
export async function f(): Promise<number> {
  const dill = await load();
  const iol: IoList = [new Uint8Array(1), { base: null, len: 2 }];
  return dill.bsendl(0, iol, -1);
}
`);
    fs.copyFileSync(path.join(ROOT, 'examples', 'ts-ipc.ts'), path.join(proj, 'ts-ipc.ts'));
    fs.writeFileSync(path.join(proj, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true,
        skipLibCheck: false, outDir: 'out', types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      },
      files: ['esm-use.mts', 'cjs-use.cts', 'ts-ipc.ts'],
    }));
    const t = node([TSC, '-p', 'tsconfig.json'], { cwd: proj });
    expect(t.stdout + t.stderr).toBe('');
    expect(t.status).toBe(0);
    const r = node([path.join('out', 'ts-ipc.js')], { cwd: proj });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'client: brecv = -1, errno EPIPE',
      'client: hello -> HELLO',
      'client: ipc_close = 0',
      'client: ipc_done = 0',
      'client: world -> WORLD',
      'server: brecv = -1, errno EPIPE',
      'server: ipc_close = 0',
    ]);
  }, 60000);
});
