/**
 * Lifetime as in Node: closing a socket, a message socket, a channel or a
 * listener while a `for await` iterates it ends that loop quietly (as a
 * Node stream's end), whether the loop is waiting or between chunks;
 * explicit receives on a closed object keep their errors (EBADF). After
 * `break` out of a socket's `for await`, closing what the program opened
 * lets the process exit by itself.
 */
import { PACKAGE_INDEX, failure, runPackageScript, text } from './helpers';
import { d, loadInstance, sockPath, useTempDir } from './instance';
import type { ByteStream, MessageSocket, Channel } from '../dist/index';

loadInstance();
useTempDir('i17f');

/** Iterates `it` in the background: the values, and how the loop ended. */
function iterate<T>(it: AsyncIterable<T>): { got: T[]; ended: Promise<'ended' | unknown> } {
  const got: T[] = [];
  const ended = (async () => {
    try {
      for await (const v of it) got.push(v);
      return 'ended';
    } catch (e) {
      return e;
    }
  })();
  return { got, ended };
}

/** Lets the loop reach its waiting receive. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

async function closeWhileIterating(a: ByteStream, b: ByteStream): Promise<void> {
  await a.send('abc');
  const { got, ended } = iterate(b);
  await settle();
  expect(got.map(text).join('')).toBe('abc');   // the loop now waits
  b.close();
  expect(await ended).toBe('ended');
  // An explicit receive on the closed socket still fails.
  expect((await failure(b.recv(1))).code).toBe('EBADF');
  a.close();
}

describe('closing ends for await quietly', () => {
  test('an ipcPair socket', async () => {
    const [a, b] = d.ipcPair();
    await closeWhileIterating(a, b);
  });

  test('an IPC socket over a path', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at);
    const accepting = ls.accept();
    const client = await d.ipcConnect(at);
    const server = await accepting;
    await closeWhileIterating(client, server);
    ls.close();
  });

  test('a TCP socket', async () => {
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const accepting = ls.accept();
    const client = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
    const server = await accepting;
    await closeWhileIterating(client, server);
    ls.close();
  });

  test('a TCP socket closed from inside the loop', async () => {
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const accepting = ls.accept();
    const client = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
    const server = await accepting;
    await client.send('x');
    let n = 0;
    let thrown: unknown = null;
    try {
      for await (const chunk of server) {
        n += chunk.length;
        server.close();                        // from inside the loop
      }
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeNull();
    expect(n).toBe(1);
    client.close();
    ls.close();
  });

  test('a PREFIX message socket', async () => {
    const [a, b] = d.ipcPair();
    const pa = a.attachPrefix(2);
    const pb: MessageSocket = b.attachPrefix(2);
    await pa.send('hello');
    const { got, ended } = iterate(pb);
    await settle();
    expect(got.map(text)).toEqual(['hello']);
    pb.close();
    expect(await ended).toBe('ended');
    expect((await failure(pb.recv())).code).toBe('EBADF');
    pa.close();
  });

  test('a SUFFIX message socket over TCP', async () => {
    const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const accepting = ls.accept();
    const client = (await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port))).attachSuffix('\n');
    const server = (await accepting).attachSuffix('\n');
    await client.send('line');
    const { got, ended } = iterate(server);
    await settle();
    expect(got.map(text)).toEqual(['line']);
    server.close();
    expect(await ended).toBe('ended');
    client.close();
    ls.close();
  });

  test('a channel', async () => {
    const [tx, rx]: Channel[] = d.channel({ messageSize: 1 });
    const { got, ended } = iterate(rx);
    await tx.send(new Uint8Array([9]));
    await settle();
    expect(got.map((m) => m[0])).toEqual([9]);
    rx.close();
    expect(await ended).toBe('ended');
    expect((await failure(rx.recv())).code).toBe('EBADF');
    tx.close();
  });

  test('a TCP listener', async () => {
    const tl = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const t = iterate(tl);
    await settle();
    tl.close();
    expect(await t.ended).toBe('ended');
    expect(t.got).toEqual([]);
  });
});

function runScript(body: string) {
  return runPackageScript(body, `const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)});`, `.catch((e) => { console.log('ERR', e); });`);
}

describe('break out of a socket\'s for await, then close: the process exits by itself', () => {
  test('ipcPair', () => {
    const r = runScript(`
      const d = await Dill.load();
      const [a, b] = d.ipcPair();
      await a.send('abc');
      for await (const c of b) { console.log('chunk', c.length); break; }
      a.close(); b.close();
      console.log('closed');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('chunk 3\nclosed\n');
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(5000);
  });

  test('TCP, with a PREFIX socket too', () => {
    const r = runScript(`
      const d = await Dill.load();
      const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
      const accepting = ls.accept();
      const c = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
      const s = await accepting;
      await c.send('abcd');
      for await (const ch of s) { console.log('chunk', ch.length); break; }
      const [x, y] = d.ipcPair();
      const px = x.attachPrefix(2), py = y.attachPrefix(2);
      await px.send('m');
      for await (const m of py) { console.log('msg', m.length); break; }
      s.close(); c.close(); ls.close(); px.close(); py.close();
      console.log('closed');`);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('chunk 4\nmsg 1\nclosed\n');
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(5000);
  });
});
