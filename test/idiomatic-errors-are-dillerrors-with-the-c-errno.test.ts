/**
 * Errors in the idiomatic layer are DillErrors carrying the C errno (code,
 * errno, the function's name, a Node-like message), each call with its own.
 */
import * as path from 'path';
import { failure, text } from './helpers';
import { d, dill as api, dir, loadInstance, useTempDir } from './instance';

loadInstance();
useTempDir('idiomatic');

describe('DillError', () => {
  test('carries code, errno, function name and a Node-like message', async () => {
    const e = await failure(d.ipcConnect(path.join(dir, 'nobody-here.sock')));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DillError');
    expect(e.code).toBe('ENOENT');
    expect(e.errno).toBe(api.ENOENT);
    expect(e.syscall).toBe('ipc_connect');
    expect(e.message).toBe(`ipc_connect: ENOENT: ${api.strerror(api.ENOENT)}`);
  });

  test('ipc_done twice: "ipc_done: EPIPE: Broken pipe"', async () => {
    const [a, b] = d.ipcPair();
    await a.done();
    const e = await failure(a.done());
    expect(e).toMatchObject({ code: 'EPIPE', errno: api.EPIPE, syscall: 'ipc_done' });
    expect(e.message).toBe('ipc_done: EPIPE: Broken pipe');
    a.close();
    b.close();
  });

  test('d.error() names an errno of the C-faithful API', () => {
    api.hclose(123456);
    const e = d.error('hclose');
    expect(e).toMatchObject({ code: 'EBADF', errno: api.EBADF, syscall: 'hclose' });
    expect(d.error('chsend', api.ENOTSUP).code).toBe('ENOTSUP');
  });

  test('each call has its own errno, even when calls of one coroutine finish together', async () => {
    // A chrecv times out and a brecv succeeds in the same scheduler run
    // (the JS thread is kept busy past the deadline, then data arrives).
    const [c1, c2] = d.channel({ messageSize: 1 });
    const [a, b] = d.ipcPair();
    const T = d.now() + 20;
    const timedOut = failure(c1.recv({ deadline: T }));
    const got = b.recv(1);
    setTimeout(() => {
      while (d.now() < T + 5) { /* busy */ }
      void a.send('x');
    }, 10);
    expect((await timedOut).code).toBe('ETIMEDOUT');
    expect(text(await got)).toBe('x');
    for (const h of [c1, c2, a, b]) h.close();
  });
});
