/**
 * Random bsend/brecv traffic from TypeScript on 16 IPC and TCP connections
 * (a seeded generator): small and large messages, deadlines of 0, short and
 * long, receives canceled by hclose of their go() bundle, sockets closed
 * under their peers.  Every call must settle with a result C could give,
 * and once everything is closed the process must exit by itself (nothing
 * left waiting or keeping Node alive).  It runs in a child process.
 *
 * It found a receive spinning forever after a send had met a reset.
 * It loads the built package (dist/, made by `make build`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { node, tmpdir, ROOT } from './helpers';

const SCRIPT = `
const { load } = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
let seed = +process.argv[2];
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const dill = await load();
  const E = dill.errnos;
  const name = (e) => Object.keys(E).find((k) => E[k] === e);
  // What each operation may give, as C would.
  const allowed = {
    send: ['ok', 'ECONNRESET', 'ETIMEDOUT'],
    recv: ['ok', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'],
    gorecv: ['ok', 'ECONNRESET', 'EPIPE', 'ECANCELED'],
  };
  const pairs = [];
  for (let i = 0; i < 8; i++) { const hs = [0, 0]; dill.ipc_pair(hs); pairs.push(hs); }
  const a = dill.ipaddr();
  dill.ipaddr_local(a, '127.0.0.1', 0, 0);
  const ls = await dill.tcp_listen(a, 64);
  for (let i = 0; i < 8; i++) {
    const acc = dill.tcp_accept(ls, null, -1);
    const c = await dill.tcp_connect(a, -1);
    pairs.push([c, await acc]);
  }
  dill.hclose(ls);
  const seen = {};
  const note = (op, what) => {
    if (!allowed[op].includes(what)) throw new Error(op + ' gave ' + what);
    seen[op + ' ' + what] = (seen[op + ' ' + what] || 0) + 1;
  };
  const loops = [];
  for (const [x, y] of pairs) {
    for (const me of [x, y]) {
      loops.push(new Promise((resolve, reject) => {
        // Each loop a coroutine: its errno is its own.
        dill.go(() => (async () => {
          for (let i = 0; i < 60; i++) {
            const r = rnd();
            const n = 1 + Math.floor(rnd() * (rnd() < 0.85 ? 64 : 40000));
            if (r < 0.4) {
              const rc = await dill.bsend(me, new Uint8Array(n), n, dill.now() + 20);
              note('send', rc === 0 ? 'ok' : name(dill.errno));
            } else if (r < 0.8) {
              const dl = rnd() < 0.3 ? 0 : dill.now() + Math.floor(rnd() * 20);
              const rc = await dill.brecv(me, new Uint8Array(n), n, dl);
              note('recv', rc === 0 ? 'ok' : name(dill.errno));
            } else if (r < 0.92) {
              let rc = null, err = 0;
              const h = dill.go(async () => { rc = await dill.brecv(me, new Uint8Array(8), 8, -1); err = dill.errno; });
              await sleep(rnd() * 4);
              dill.hclose(h);
              for (let k = 0; k < 100 && rc === null; k++) await sleep(1);
              if (rc === null) throw new Error('a canceled receive did not settle');
              note('gorecv', rc === 0 ? 'ok' : name(err));
            } else if (r < 0.95) {
              if (dill.hclose(me) !== 0) throw new Error('hclose failed');
              return;
            } else {
              await sleep(rnd() * 3);
            }
          }
        })().then(resolve, reject));
      }));
    }
  }
  await Promise.all(loops);
  for (const [x, y] of pairs) { dill.hclose(x); dill.hclose(y); }
  console.log(JSON.stringify(seen));
  // Nothing may keep the process alive now.
  setTimeout(() => { console.log('still alive'); process.exit(3); }, 5000).unref();
})().catch((e) => { console.error(e); process.exit(1); });
`;

test.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: every call settles as C would, and the process exits by itself', (seed) => {
  const dir = tmpdir('stress');
  const script = path.join(dir, 'stress.js');
  fs.writeFileSync(script, SCRIPT);
  const r = node([script, String(seed)], { timeout: 60000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const seen = JSON.parse(r.stdout.trim().split('\n')[0]);
  // The run did exercise the interesting outcomes.
  expect(seen['recv ok']).toBeGreaterThan(0);
  expect(seen['send ok']).toBeGreaterThan(0);
  expect(Object.keys(seen).length).toBeGreaterThan(4);
  fs.rmSync(dir, { recursive: true, force: true });
}, 70000);
