/**
 * Memory stays bounded: opening and closing sockets all day does not grow
 * the JS heap (each descriptor's bookkeeping is let go when it closes).
 * Measured in a child process run with --expose-gc: the heap after a
 * warm-up, then after many more open/close cycles.
 */
import * as path from 'path';
import { spawnSync } from 'child_process';

const INDEX = path.resolve(__dirname, '..', 'dist', 'index.js');

/** Runs `body` (async, with `d` loaded and `growth(fn, warm, n)` defined); its stdout. */
function runScript(body: string): string {
  const src = `const { load } = require(${JSON.stringify(INDEX)});
(async () => {
  const d = await load();
  const check = (what, rc) => { if (rc < 0) throw new Error(what + ': ' + d.strerror(d.errno)); return rc; };
  // KiB the heap grew by over n more cycles of fn, after warm cycles.
  const growth = async (fn, warm, n) => {
    for (let i = 0; i < warm; i++) await fn();
    global.gc();
    const h0 = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) await fn();
    global.gc();
    return Math.round((process.memoryUsage().heapUsed - h0) / 1024);
  };
${body}
})().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', src], { encoding: 'utf8', timeout: 120000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

test('20000 ipc_pair sockets opened and closed: the heap does not grow with them', () => {
  const out = runScript(`
    const kib = await growth(() => {
      const p = [0, 0];
      check('ipc_pair', d.ipc_pair(p));
      check('hclose', d.hclose(p[0]));
      check('hclose', d.hclose(p[1]));
    }, 2000, 20000);
    console.log(JSON.stringify({ kib }));`);
  // Before the FS nodes were let go: about 19 MB.
  expect(JSON.parse(out).kib).toBeLessThan(1500);
});

test('3000 TCP connections over loopback, accepted and closed: the heap does not grow with them', () => {
  const out = runScript(`
    const local = d.ipaddr();
    check('ipaddr_local', d.ipaddr_local(local, '127.0.0.1', 0, d.IPADDR_IPV4));
    const ls = check('tcp_listen', await d.tcp_listen(local, 64));
    const remote = d.ipaddr();
    check('ipaddr_remote', await d.ipaddr_remote(remote, '127.0.0.1', d.ipaddr_port(local), d.IPADDR_IPV4, -1));
    const kib = await growth(async () => {
      const [s, c] = await Promise.all([d.tcp_accept(ls, null, -1), d.tcp_connect(remote, -1)]);
      check('tcp_accept', s);
      check('tcp_connect', c);
      check('hclose', d.hclose(c));
      check('hclose', d.hclose(s));
    }, 500, 3000);
    d.hclose(ls);
    console.log(JSON.stringify({ kib }));`);
  // Before the FS nodes were let go: about 14 MB.
  expect(JSON.parse(out).kib).toBeLessThan(1500);
});
