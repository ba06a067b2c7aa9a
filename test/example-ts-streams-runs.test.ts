/**
 * examples/ts-streams.ts (the streaming example: a gzip server written with
 * stream.pipeline over a socket's Duplex, a client on web streams) compiles
 * under the examples' strict settings and runs to its end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers';

test('the streaming example compiles, gzips 24000 bytes over TCP and exits', () => {
  const out = path.join(ROOT, 'wasm', 'build', 'test-examples');
  fs.rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.examples.json'), '--outDir', out],
    { cwd: ROOT, encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
  const run = spawnSync(process.execPath, [path.join(out, 'ts-streams.js')], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^\d+ gzipped bytes came back, 24000 bytes unzipped: streams streams \.\.\.\n$/);
}, 90000);
