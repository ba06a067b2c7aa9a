/**
 * Errors carry `cause` where there is one: a DillError of an idiomatic call
 * whose errno came from an exception that TypeScript code the library
 * called threw (a socket written in TypeScript throwing a DillError, of the
 * socket under it say) has that exception as its `cause`; the C-faithful
 * layer keeps giving the errno alone; errors with nothing behind them have
 * no `cause`.
 */
import { DillError } from '../dist/index';
import type { ByteStream, ByteStreamImpl, LayerCallOptions, MessageSocketImpl } from '../dist/index';
import { d, dill, loadInstance, soon } from './instance';
import { failure } from './helpers';

loadInstance();

/** A pass-through layer over `lower` that remembers what it threw. */
class Recording implements ByteStreamImpl {
  thrown: unknown[] = [];
  constructor(readonly lower: ByteStream) {}
  private async run(f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.thrown.push(e);
      throw e;
    }
  }
  send(data: Uint8Array, opts: LayerCallOptions) { return this.run(() => this.lower.send(data, opts)); }
  recv(buf: Uint8Array, opts: LayerCallOptions) { return this.run(() => this.lower.recvInto(buf, opts)); }
  close() { this.lower.close(); }
}

test('a recv on a socket written in TypeScript fails with the DillError of the socket under it as its cause', async () => {
  const [l0, l1] = d.ipcPair();
  const impl = new Recording(l0);
  const x = d.byteStream(impl);
  await l1.done();
  const err = await failure(x.recv(1));
  expect(err).toMatchObject({ code: 'EPIPE', syscall: 'brecv' });
  expect(impl.thrown).toHaveLength(1);
  expect(err.cause).toBe(impl.thrown[0]);
  expect(err.cause).toBeInstanceOf(DillError);
  expect(err.cause).not.toBe(err);
  // As Error's own: not enumerable.
  expect(Object.keys(err)).not.toContain('cause');
  x.close();
  l1.close();
});

test('a protocol over it (PREFIX) fails with that exception as its cause too', async () => {
  const [l0, l1] = d.ipcPair();
  const impl = new Recording(l0);
  const p = d.byteStream(impl).attachPrefix(2);
  l1.close();
  let err: DillError | null = null;
  // The peer's close shows on a send once the system has noticed it.
  for (let i = 0; i < 100 && !err; i++) {
    try {
      await p.send('x'.repeat(1000));
    } catch (e) {
      err = e as DillError;
    }
  }
  expect(err).toBeInstanceOf(DillError);
  expect(err!.syscall).toBe('msend');
  expect(impl.thrown.length).toBeGreaterThan(0);
  expect(err!.cause).toBe(impl.thrown[impl.thrown.length - 1]);
  expect((err!.cause as DillError).syscall).toBe('bsend');
  p.close();
});

test('a message socket written in TypeScript that throws a DillError: its code, and it as the cause', async () => {
  const mine = d.error('mrecv', dill.EMSGSIZE);
  const impl: MessageSocketImpl = {
    send: () => {},
    recv: async () => { throw mine; },
    close: () => {},
  };
  const m = d.messageSocket(impl);
  const err = await failure(m.recv());
  expect(err).toMatchObject({ code: 'EMSGSIZE', syscall: 'mrecv' });
  expect(err.cause).toBe(mine);
  m.close();
});

test('the C-faithful layer gives the errno, as before', async () => {
  const [l0, l1] = d.ipcPair();
  const x = d.byteStream(new Recording(l0));
  await l1.done();
  expect(await dill.brecv(x.handle, new Uint8Array(1), 1, soon())).toBe(-1);
  expect(dill.errno).toBe(dill.EPIPE);
  x.close();
  l1.close();
});

test('errors with no exception behind them have no cause', async () => {
  const [a, b] = d.ipcPair();
  await b.done();
  const err = await failure(a.recv(1));
  expect(err.code).toBe('EPIPE');
  expect('cause' in err).toBe(false);
  // A later call on a socket written in TypeScript does not inherit an earlier call's cause.
  const [l0, l1] = d.ipcPair();
  const x = d.byteStream(new Recording(l0));
  await l1.done();
  expect((await failure(x.recv(1))).cause).toBeInstanceOf(DillError);
  x.close();
  const y = await failure(x.recv(1));
  expect(y.code).toBe('EBADF');
  expect('cause' in y).toBe(false);
  a.close(); b.close(); l1.close();
});

test('new DillError(..., { cause }) sets it as Error does', () => {
  const c = new Error('under');
  const e = new DillError('brecv', dill.EIO, 'EIO', 'I/O error', { cause: c });
  expect(e.cause).toBe(c);
  expect(Object.keys(e)).not.toContain('cause');
  expect('cause' in new DillError('brecv', dill.EIO, 'EIO', 'I/O error')).toBe(false);
});
