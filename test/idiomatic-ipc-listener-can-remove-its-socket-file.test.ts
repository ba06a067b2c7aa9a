/**
 * `d.ipcListen(path, { unlinkOnClose: true })`: closing the listener
 * (close(), `using`, `await using`) removes its socket file, so the same
 * path can be listened on again, as the README's example run twice does.
 * Without the option the file stays, as C's ipc_listen leaves it, and a
 * second listen fails with EADDRINUSE; the C-faithful layer is unchanged.
 * The listener removes only its own socket: a file made at the same path
 * since by somebody else stays.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IpcListener } from '../dist/index';
import { failure, text } from './helpers';
import { d, dill as api, dir, loadInstance, sockPath, useTempDir } from './instance';

loadInstance();
useTempDir('unlink-on-close');

/** One round trip through listener `ls` at `at`: it accepts and reads what a client sends. */
async function roundTrip(ls: IpcListener, at: string): Promise<string> {
  const accepting = ls.accept({ deadline: d.now() + 5000 });
  using c = await d.ipcConnect(at, { deadline: d.now() + 5000 });
  using s = await accepting;
  await c.send('ping');
  return text(await s.recv(4, { deadline: d.now() + 5000 }));
}

describe('an IPC listener with unlinkOnClose', () => {
  test('close() removes the socket file; a second listen on the path works', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at, { unlinkOnClose: true });
    expect(ls.unlinkOnClose).toBe(true);
    expect(fs.statSync(at).isSocket()).toBe(true);
    expect(await roundTrip(ls, at)).toBe('ping');
    ls.close();
    expect(fs.existsSync(at)).toBe(false);
    ls.close();                                     // closing again does nothing
    expect(fs.existsSync(at)).toBe(false);

    const again = await d.ipcListen(at, { unlinkOnClose: true });
    expect(await roundTrip(again, at)).toBe('ping');
    again.close();
    expect(fs.existsSync(at)).toBe(false);
  });

  test('using and await using remove it when the scope ends', async () => {
    const at = sockPath();
    {
      using ls = await d.ipcListen(at, { unlinkOnClose: true, backlog: 2 });
      expect(await roundTrip(ls, at)).toBe('ping');
      expect(fs.statSync(at).isSocket()).toBe(true);
    }
    expect(fs.existsSync(at)).toBe(false);
    {
      await using ls = await d.ipcListen(at, { unlinkOnClose: true });
      expect(fs.statSync(at).isSocket()).toBe(true);
      expect(ls.path).toBe(at);
    }
    expect(fs.existsSync(at)).toBe(false);
  });

  test('a relative path is removed even after the working directory changed', async () => {
    const before = process.cwd();
    process.chdir(dir);
    let ls: IpcListener;
    try {
      ls = await d.ipcListen('relative.sock', { unlinkOnClose: true });
    } finally {
      process.chdir(before);
    }
    const at = path.join(dir, 'relative.sock');
    expect(fs.statSync(at).isSocket()).toBe(true);
    ls.close();
    expect(fs.existsSync(at)).toBe(false);
  });

  test('a socket made at the path by somebody else since is not removed', async () => {
    const at = sockPath();
    const first = await d.ipcListen(at, { unlinkOnClose: true });
    fs.unlinkSync(at);                               // somebody removes it...
    const second = await d.ipcListen(at);            // ...and listens there
    first.close();
    expect(fs.statSync(at).isSocket()).toBe(true);  // the second listener's file stays
    expect(await roundTrip(second, at)).toBe('ping');
    second.close();
    fs.unlinkSync(at);
  });

  test('a regular file put at the path is not removed', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at, { unlinkOnClose: true });
    fs.unlinkSync(at);
    fs.writeFileSync(at, 'not a socket');
    ls.close();
    expect(fs.readFileSync(at, 'utf8')).toBe('not a socket');
    fs.unlinkSync(at);
  });
});

describe('without the option the socket file stays, as natively', () => {
  test('idiomatic: the file stays after close(); a second listen fails with EADDRINUSE', async () => {
    const at = sockPath();
    const ls = await d.ipcListen(at);
    expect(ls.unlinkOnClose).toBe(false);
    ls.close();
    expect(fs.statSync(at).isSocket()).toBe(true);
    expect(await failure(d.ipcListen(at))).toMatchObject({ code: 'EADDRINUSE', syscall: 'ipc_listen' });
    // The option does not help a path already taken by a stale file.
    expect(await failure(d.ipcListen(at, { unlinkOnClose: true }))).toMatchObject({ code: 'EADDRINUSE' });
    expect(fs.statSync(at).isSocket()).toBe(true);
    fs.unlinkSync(at);
    const again = await d.ipcListen(at);
    again.close();
    fs.unlinkSync(at);
  });

  test('using: the file stays after the scope ends', async () => {
    const at = sockPath();
    {
      using _ls = await d.ipcListen(at, { unlinkOnClose: false });
    }
    expect(fs.statSync(at).isSocket()).toBe(true);
    fs.unlinkSync(at);
  });

  test('C-faithful: hclose of an ipc_listen listener leaves the file', async () => {
    const at = sockPath();
    const h = await api.ipc_listen(at, 10);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(api.hclose(h)).toBe(0);
    expect(fs.statSync(at).isSocket()).toBe(true);
    expect(await api.ipc_listen(at, 10)).toBe(-1);
    expect(api.errno).toBe(api.EADDRINUSE);
    fs.unlinkSync(at);
  });
});
