/**
 * Lifetime as in Node: `ref()`/`unref()` on the idiomatic handle objects
 * (listeners, sockets, message sockets, channels). A pending call on an
 * unref'd object does not keep the process alive; ref() again makes it
 * count again; an unref'd call still completes normally while something
 * else keeps the process alive. Each program runs in a child process, as an
 * application would.
 */
import { PACKAGE_INDEX, runPackageScript } from './helpers';
import { d, loadInstance } from './instance';

loadInstance();

function runScript(body: string) {
  return runPackageScript(body,
    `const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)});
     const os = require('os'), path = require('path');
     const sockPath = (n) => path.join(os.tmpdir(), 'dill-i17h-' + process.pid + '-' + n + '.sock');
     const later = (ms, fn) => setTimeout(fn, ms).unref();`,
    `.catch((e) => { console.log('ERR', e); });`);
}

/** The child exited by itself, at once, having printed `out` and nothing on stderr. */
function expectExited(r: ReturnType<typeof runScript>, out: string): void {
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(out);
  expect(r.status).toBe(0);
  expect(r.ms).toBeLessThan(5000);
}

describe('ref() and unref() as on a Node socket', () => {
  test('are on every handle object, chainable, and hasRef() tells which', () => {
    const [a, b] = d.ipcPair();
    const ch = d.channel({ messageSize: 1 });
    try {
      expect(a.hasRef()).toBe(true);
      expect(a.unref()).toBe(a);
      expect(a.hasRef()).toBe(false);
      expect(a.unref().ref()).toBe(a);
      expect(a.hasRef()).toBe(true);
      expect(b.hasRef()).toBe(true);
      expect(ch[0].unref().hasRef()).toBe(false);
      expect(ch[1].hasRef()).toBe(true);
    } finally {
      a.close(); b.close(); ch[0].close(); ch[1].close();
    }
  });

  test('an unref\'d call completes normally while something else keeps the process going', async () => {
    const [a, b] = d.ipcPair();
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    try {
      const got = b.unref().recv(3);
      const accepted = ls.unref().accept();
      await a.send('abc');
      expect(Buffer.from(await got).toString()).toBe('abc');
      const c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
      const s = await accepted;
      await c.send('x');
      expect(Buffer.from(await s.recv(1)).toString()).toBe('x');
      c.close(); s.close();
    } finally {
      a.close(); b.close(); ls.close();
    }
  });
});

describe('in a child process', () => {
  test('a pending accept on an unref\'d TCP listener lets the process exit', () => {
    const r = runScript(`
      const d = await Dill.load();
      const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      ls.unref().accept().then(() => console.log('accepted'), (e) => console.log('accept failed', e.code));
      console.log('waiting');`);
    expectExited(r, 'waiting\n');
  });

  test('an unref\'d IPC listener, its accept and its for await, let the process exit', () => {
    const r = runScript(`
      const d = await Dill.load();
      const ls = (await d.ipcListen(sockPath(1), { unlinkOnClose: true })).unref();
      ls.accept().catch((e) => console.log('accept failed', e.code));
      const ls2 = (await d.ipcListen(sockPath(2), { unlinkOnClose: true })).unref();
      (async () => { for await (const c of ls2) console.log('conn'); })();
      process.on('exit', () => { for (const n of [1, 2]) require('fs').rmSync(sockPath(n), { force: true }); });
      console.log('waiting');`);
    expectExited(r, 'waiting\n');
  });

  test('a pending recv on an unref\'d socket lets the process exit (IPC, TCP, UDP, PREFIX, channel)', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      b.unref().recv(1).then(() => console.log('ipc got'));
      const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      const accepting = ls.accept();
      const c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
      const s = await accepting;
      s.unref().recv(1).then(() => console.log('tcp got'));
      (async () => { for await (const chunk of c.unref()) console.log('tcp chunk'); })();
      const u = await d.udpOpen({ local: d.ipLocal('127.0.0.1', 0) });
      u.unref().recv().then(() => console.log('udp got'));
      const [x, y] = d.ipcPair();
      const py = y.attachPrefix(2).unref();
      py.recv().then(() => console.log('prefix got'));
      const [ch0, ch1] = d.channel({ messageSize: 1 });
      ch1.unref().recv().then(() => console.log('channel got'));
      console.log('waiting');`);
    expectExited(r, 'waiting\n');
  });

  test('a protocol\'s detach waiting for the peer on an unref\'d object lets the process exit; ref\'d, it keeps it alive', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      const ta = a.attachPrefix(2).attachTerm('END').unref();
      ta.detach().then(() => console.log('detached'), (e) => console.log('detach failed', e.code));
      const [x, y] = d.ipcPair();
      const tx = x.attachPrefix(2).attachTerm('END');
      const ty = y.attachPrefix(2).attachTerm('END');
      tx.detach().then(() => console.log('tx detached'), (e) => console.log('tx detach failed', e.code));
      // Only tx's pending detach keeps the process alive until ty's answers it.
      later(200, () => { ty.detach().then(() => console.log('ty detached')); });
      console.log('waiting');`);
    expectExited(r, 'waiting\ntx detached\nty detached\n');
  });

  test('unref() while the call is pending lets the process exit', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      b.recv(1).then(() => console.log('ipc got'));
      const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      ls.accept().then(() => console.log('accepted'));
      await new Promise((r) => setTimeout(r, 50));
      b.unref();
      ls.unref();
      console.log('waiting');`);
    expectExited(r, 'waiting\n');
  });

  test('ref() again: the pending calls keep the process alive until they complete', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      b.unref();
      b.recv(3).then((buf) => console.log('ipc got', Buffer.from(buf).toString()));
      const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      ls.unref().accept().then((s) => { console.log('accepted'); s.close(); });
      b.ref(); ls.ref();
      // Only the pending calls keep the process alive until these run.
      later(200, () => { a.send('abc'); });
      later(300, async () => { const c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port)); c.close(); });
      console.log('waiting');`);
    expectExited(r, 'waiting\nipc got abc\naccepted\n');
  });

  test('an unref\'d pending recv completes when data comes while a timer keeps the process alive', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      b.unref().recv(2).then((buf) => console.log('got', Buffer.from(buf).toString()));
      setTimeout(() => { a.send('hi'); }, 200);
      console.log('waiting');`);
    expectExited(r, 'waiting\ngot hi\n');
  });

  test('without unref() a pending recv keeps the process alive until it completes', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      b.recv(2).then((buf) => console.log('got', Buffer.from(buf).toString()));
      later(300, () => { a.send('hi'); });
      console.log('waiting');`);
    expectExited(r, 'waiting\ngot hi\n');
  });
});
