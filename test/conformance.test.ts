/**
 * Runs every program of test/conformance through dill-conformance: each one
 * is a jest test that passes when the program exits with status 0.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runAll, Result } from '../src/cli/conformance';

const DIR = path.join(__dirname, 'conformance');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.c')).sort();
let results: Map<string, Result>;

beforeAll(async () => {
  const list = await runAll(files.map((f) => path.join(DIR, f)), 60000, 2);
  results = new Map(list.map((r) => [r.test, r]));
}, 30 * 60 * 1000);

describe('conformance corpus (test/conformance/*.c)', () => {
  test.each(files)('%s', (file) => {
    const r = results.get(path.basename(file, '.c'))!;
    expect(r.reason).toBe('');
    expect(r.status).toBe('passed');
  });
});
