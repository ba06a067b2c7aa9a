/**
 * `for await (const conn of ipcListener)`, as over a TcpListener: the
 * connections accepted one by one, until the listener is closed, which ends
 * the loop quietly (even while it waits).
 */
import type { IpcSocket } from '../dist/index';
import { d, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('i17h');

test('for await over an IPC listener yields its connections and ends quietly when it is closed', async () => {
  const ls = await d.ipcListen(sockPath(), { unlinkOnClose: true });
  const got: string[] = [];
  const conns: IpcSocket[] = [];
  const loop = (async () => {
    for await (const s of ls) {
      conns.push(s);
      got.push(Buffer.from(await s.recv(2)).toString());
    }
    return 'ended';
  })();
  const clients = [];
  for (const msg of ['c1', 'c2', 'c3']) {
    const c = await d.ipcConnect(ls.path!);
    await c.send(msg);
    clients.push(c);
  }
  while (got.length < 3) await new Promise((r) => setTimeout(r, 10));
  expect(got).toEqual(['c1', 'c2', 'c3']);
  // Waiting for a fourth: closing ends the loop without an error.
  await new Promise((r) => setTimeout(r, 20));
  ls.close();
  await expect(loop).resolves.toBe('ended');
  // An explicit accept on the closed listener still fails.
  await expect(ls.accept()).rejects.toMatchObject({ code: 'EBADF' });
  for (const s of [...conns, ...clients]) s.close();
});

test('connections({ timeout }) throws ETIMEDOUT, as accept does', async () => {
  using ls = await d.ipcListen(sockPath(), { unlinkOnClose: true });
  const it = ls.connections({ timeout: 30 });
  await expect(it.next()).rejects.toMatchObject({ code: 'ETIMEDOUT', syscall: 'ipc_accept' });
});
