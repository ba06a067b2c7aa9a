/**
 * Sockets written in TypeScript in the idiomatic layer (CustomByteStream,
 * CustomMessageSocket): ByteStreams and MessageSockets like the others,
 * DillErrors and signals passing through them, protocols attaching on them.
 */
import { CustomByteStream, CustomMessageSocket } from '../dist/index';
import type { ByteStream, ByteStreamImpl, LayerCallOptions, MessageSocketImpl } from '../dist/index';
import { enc, text } from './helpers';
import { d, dill, loadInstance, soon } from './instance';
import { XOR_TYPE, xor } from './layers';

loadInstance();

describe('idiomatic: sockets written in TypeScript', () => {
  /** An XOR layer over an idiomatic bytestream, with a done() of its own. */
  class XorImpl implements ByteStreamImpl {
    closes = 0;
    signals: AbortSignal[] = [];
    constructor(readonly lower: ByteStream, readonly key = 0x5a) {}
    async send(data: Uint8Array, opts: LayerCallOptions) {
      this.signals.push(opts.signal);
      await this.lower.send(xor(data, this.key), opts);
    }
    async recv(buf: Uint8Array, opts: LayerCallOptions) {
      this.signals.push(opts.signal);
      await this.lower.recvInto(buf, opts);
      buf.set(xor(buf, this.key));
    }
    async done(opts: LayerCallOptions) { await this.lower.done(opts); }
    close() { this.closes++; this.lower.close(); }
    query(type: unknown) { return type === XOR_TYPE ? this : null; }
  }

  test('a ByteStream like the others: send, recv, chunks, done (the peer gets EPIPE), query, close once', async () => {
    const [l0, l1] = d.ipcPair();
    const impl = new XorImpl(l0);
    const x = d.byteStream(impl);
    expect(x).toBeInstanceOf(CustomByteStream);
    expect(x.query(XOR_TYPE)).toBe(impl);
    expect(typeof x.query(dill.bsock_type)).toBe('object');
    expect(() => x.query('nothing')).toThrow(expect.objectContaining({ code: 'ENOTSUP', syscall: 'hquery' }));
    await x.send('hello');
    expect(text(xor(await l1.recv(5), 0x5a))).toBe('hello');
    await l1.send(xor(enc('world'), 0x5a));
    expect(text(await x.recv(5))).toBe('world');
    // The C-faithful calls on its handle take the same path.
    expect(await dill.bsend(x.handle, enc('C'), 1, soon())).toBe(0);
    expect(text(xor(await l1.recv(1), 0x5a))).toBe('C');
    await l1.send(xor(enc('chunked'), 0x5a));
    await l1.done();
    const got: string[] = [];
    for await (const c of x) got.push(text(c));
    expect(got.join('')).toBe('chunked');
    await x.done();
    await expect(l1.recv(1)).rejects.toMatchObject({ code: 'EPIPE' });
    x.close();
    x.close();
    expect(impl.closes).toBe(1);
    expect(l0.closed).toBe(true);
    l1.close();
  });

  test('errors: DillErrors from below pass through with their errno, aborting the caller\'s signal cancels the layer\'s calls', async () => {
    const [l0, l1] = d.ipcPair();
    const impl = new XorImpl(l0);
    const x = d.byteStream(impl);
    const ac = new AbortController();
    const p = x.recv(4, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await expect(p).rejects.toBe(ac.signal.reason);
    expect(impl.signals[0].aborted).toBe(true);
    // As below: a canceled receive leaves the socket unable to receive.
    await expect(x.recv(1)).rejects.toMatchObject({ code: 'ECONNRESET' });
    x.close();
    l1.close();
    const [m0, m1] = d.ipcPair();
    const y = d.byteStream(new XorImpl(m0));
    await expect(y.recv(1, { deadline: d.now() + 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    m1.close();
    await expect(y.send('after')).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) });
    y.close();
    // An exception that is not a DillError reaches the caller as it is.
    const boom = new RangeError('boom');
    const bad = d.byteStream({ send: () => { throw boom; }, recv: () => {}, close: () => {} });
    await expect(bad.send('x')).rejects.toBe(boom);
    // No done() of its own: ENOTSUP.
    await expect(bad.done()).rejects.toMatchObject({ code: 'ENOTSUP' });
    bad.close();
    expect(() => d.byteStream({ send: () => {}, close: () => {} } as unknown as ByteStreamImpl)).toThrow(/impl.recv/);
  });

  test('protocols attach on it: PREFIX over the layer, detach gives a CustomByteStream with the same implementation', async () => {
    const [l0, l1] = d.ipcPair();
    const a = d.byteStream(new XorImpl(l0, 0x11));
    const b = d.byteStream(new XorImpl(l1, 0x11));
    const pa = a.attachPrefix(4);
    const pb = b.attachPrefix(4);
    await pa.send('framed');
    expect(text(await pb.recv())).toBe('framed');
    const [da, db] = await Promise.all([pa.detach(), pb.detach()]);
    expect(da).toBeInstanceOf(CustomByteStream);
    expect(da.impl).toBe(a.impl);
    await db.send('plain again');
    expect(text(await da.recv(11))).toBe('plain again');
    da.close();
    db.close();
  });

  /** Messages each preceded by a 2-byte size, over an idiomatic bytestream. */
  class SizedImpl implements MessageSocketImpl {
    constructor(readonly lower: ByteStream) {}
    async send(msg: Uint8Array, opts: LayerCallOptions) {
      await this.lower.send(Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]), opts);
    }
    async recv(opts: LayerCallOptions & { maxSize: number }) {
      const hdr = await this.lower.recv(2, opts);
      return this.lower.recv((hdr[0] << 8) | hdr[1], opts);
    }
    close() { this.lower.close(); }
  }

  test('a MessageSocket like the others: send, recv (EMSGSIZE past its size), iteration, TERM on it', async () => {
    const [l0, l1] = d.ipcPair();
    const a = d.messageSocket(new SizedImpl(l0));
    const b = d.messageSocket(new SizedImpl(l1));
    expect(a).toBeInstanceOf(CustomMessageSocket);
    await a.send('one');
    await a.send('');
    expect(text(await b.recv())).toBe('one');
    expect((await b.recv()).length).toBe(0);
    await a.send('too long for it');
    await expect(b.recv({ size: 4 })).rejects.toMatchObject({ code: 'EMSGSIZE', syscall: 'mrecv' });
    const ta = a.attachTerm('END');
    const tb = b.attachTerm('END');
    await ta.send('last');
    await ta.done();
    const got: string[] = [];
    for await (const m of tb) got.push(text(m));
    expect(got).toEqual(['last']);
    ta.close();
    tb.close();
  });
});
