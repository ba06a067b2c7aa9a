/**
 * PREFIX, SUFFIX and TERM in the idiomatic layer: attaching a protocol to a
 * socket object gives a typed object for it (PrefixSocket, SuffixSocket,
 * TermSocket), whose detach() gives the socket object back.  Errors are
 * DillErrors; deadlines and AbortSignals work as elsewhere.  Peers: our own
 * sockets (ipcPair, TCP on 127.0.0.1).
 */
import { IpcSocket, TcpSocket, PrefixSocket, SuffixSocket, TermSocket } from '../dist/index';
import { failure, failureSync, text } from './helpers';
import { d, loadInstance, tcpSockets } from './instance';

loadInstance();

/** A connected TCP pair on 127.0.0.1: [client, server]. */

describe('PrefixSocket', () => {
  test('attachPrefix on both ends: messages both ways, detach gives IpcSockets back at once', async () => {
    const [a, b] = d.ipcPair();
    const pa = a.attachPrefix(2);
    const pb = b.attachPrefix(2);
    expect(pa).toBeInstanceOf(PrefixSocket);
    expect([pa.hdrlen, pa.littleEndian, pa.maxMessageSize]).toEqual([2, false, 65535]);
    // The protocol owns the socket: the old object is closed.
    expect(a.closed).toBe(true);
    expect((await failure(a.send('x'))).code).toBe('EBADF');
    await pa.send('hello');
    await pa.send(Uint8Array.from([1, 2, 3]));
    expect(text(await pb.recv())).toBe('hello');
    expect([...await pb.recv()]).toEqual([1, 2, 3]);
    await pb.send('back');
    expect(text(await pa.recv({ deadline: d.now() + 1000 }))).toBe('back');
    // pa sends two more and detaches at once (nothing goes on the wire);
    // pb receives them, then detaches too.
    await pa.send('m1');
    await pa.send('m2');
    const ua = await pa.detach();
    expect(text(await pb.recv())).toBe('m1');
    expect(text(await pb.recv())).toBe('m2');
    const ub = await pb.detach();
    expect(ua).toBeInstanceOf(IpcSocket);
    expect(ub).toBeInstanceOf(IpcSocket);
    expect(pa.closed && pb.closed).toBe(true);
    await ua.send('raw');
    expect(text(await ub.recv(3))).toBe('raw');
    ua.close();
    ub.close();
  });

  test('errors: EINVAL closes the socket (as in C), EMSGSIZE, attaching after a chunk iteration, ETIMEDOUT, AbortError by signal', async () => {
    const [z, z2] = d.ipcPair();
    expect(failureSync(() => z.attachPrefix(0)).code).toBe('EINVAL');
    expect(z.closed).toBe(true);
    const [y, y2] = d.ipcPair();
    expect(failureSync(() => y.attachPrefix(9)).syscall).toBe('prefix_attach');
    expect(y.closed).toBe(true);
    z2.close();
    y2.close();
    // Leaving a chunk iteration leaves nothing pending: the socket attaches
    // (no EBUSY from a read left behind) and loses no byte.
    const [a, b] = d.ipcPair();
    const it = b.chunks();
    await a.send('z');
    expect(text((await it.next()).value!)).toBe('z');
    await it.return(undefined);
    const pb = b.attachPrefix(2);
    const pa = a.attachPrefix(2);
    await pa.send('after');
    expect(text(await pb.recv())).toBe('after');
    pa.close();
    pb.close();
    const [c, e] = d.ipcPair();
    const pc = c.attachPrefix(1, { littleEndian: true });
    const pe = e.attachPrefix(1, { littleEndian: true });
    expect((await failure(pc.send(new Uint8Array(256)))).code).toBe('EMSGSIZE');
    await pc.send(new Uint8Array(100));
    expect((await failure(pe.recv({ size: 10 }))).code).toBe('EMSGSIZE');
    expect((await failure(pc.recv({ deadline: d.now() + 30 }))).code).toBe('ETIMEDOUT');
    // An aborted signal fails at once, without entering the library.
    await expect(pc.send('x', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const [f, g] = d.ipcPair();
    const pf = f.attachPrefix(2);
    const ac2 = new AbortController();
    const r = pf.recv({ signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await expect(r).rejects.toMatchObject({ name: 'AbortError' });
    pf.close();
    g.close();
    pc.close();
    pe.close();
  });

  test('attaching while a call of the socket is pending is EBUSY; the call goes on, and attaching works once it is over', async () => {
    const [a, b] = d.ipcPair();
    const pending = b.recv(2);
    expect(failureSync(() => b.attachPrefix(1))).toMatchObject({ code: 'EBUSY', syscall: 'prefix_attach' });
    expect(failureSync(() => b.attachSuffix('\n'))).toMatchObject({ code: 'EBUSY' });
    expect(failureSync(() => b.attachHttp())).toMatchObject({ code: 'EBUSY' });
    expect(b.closed).toBe(false);
    await a.send('hi');
    expect(text(await pending)).toBe('hi');
    const pa = a.attachPrefix(1), pb = b.attachPrefix(1);
    await pa.send('framed');
    expect(text(await pb.recv())).toBe('framed');
    pa.close();
    pb.close();
  });

  test('over TCP: a 200 KB message with {size}; detach gives TcpSockets back with their remote address', async () => {
    const [c, s] = await tcpSockets();
    const remote = c.remote!.toString();
    const pc = c.attachPrefix(4);
    const ps = s.attachPrefix(4);
    const big = Buffer.alloc(200000, 7);
    const sent = pc.send(big, { deadline: d.now() + 10000 });
    const got = await ps.recv({ size: 300000, deadline: d.now() + 10000 });
    await sent;
    expect(Buffer.compare(Buffer.from(got), big)).toBe(0);
    const [uc, us] = await Promise.all([pc.detach(), ps.detach()]);
    expect(uc).toBeInstanceOf(TcpSocket);
    expect(uc.remote!.toString()).toBe(remote);
    await Promise.all([uc.closeGracefully({ deadline: d.now() + 5000 }), us.closeGracefully({ deadline: d.now() + 5000 })]);
  });
});

describe('SuffixSocket and TermSocket', () => {
  test('attachSuffix: lines, a raw peer, detach', async () => {
    const [a, b] = d.ipcPair();
    const sa = a.attachSuffix('\n');
    expect(sa).toBeInstanceOf(SuffixSocket);
    expect(text(sa.suffix)).toBe('\n');
    await sa.send('line one');
    expect(text(await b.recv(9))).toBe('line one\n');
    await b.send('two\nthree\n');
    expect(text(await sa.recv())).toBe('two');
    expect(text(await sa.recv())).toBe('three');
    // The delimiter inside a message goes as it is (as upstream's): two lines.
    await sa.send('a\nb');
    expect(text(await b.recv(4))).toBe('a\nb\n');
    const [z, z2] = d.ipcPair();
    expect(failureSync(() => z.attachSuffix('')).code).toBe('EINVAL');
    expect(z.closed).toBe(true);
    z2.close();
    const ua = await sa.detach();
    await ua.send('x');
    expect(text(await b.recv(1))).toBe('x');
    // The peer half-closes: the message socket reports EPIPE, iteration ends.
    const sb = b.attachSuffix(';');
    await ua.send('p;q;');
    await ua.done();
    const got: string[] = [];
    for await (const m of sb) got.push(text(m));
    expect(got).toEqual(['p', 'q']);
    ua.close();
    sb.close();
  });

  test('attachTerm over PREFIX: done(), the peer\'s iteration ends, detach to PrefixSocket, then to IpcSocket', async () => {
    const [a, b] = d.ipcPair();
    const ta = a.attachPrefix(2).attachTerm('STOP');
    const tb = b.attachPrefix(2).attachTerm(Buffer.from('STOP'));
    expect(ta).toBeInstanceOf(TermSocket);
    await ta.send('one');
    await ta.done();
    expect((await failure(ta.done())).code).toBe('EPIPE');
    const got: string[] = [];
    for await (const m of tb) got.push(text(m));
    expect(got).toEqual(['one']);
    await tb.send('answer');
    expect(text(await ta.recv())).toBe('answer');
    const [pa, pb] = await Promise.all([ta.detach({ deadline: d.now() + 5000 }), tb.detach({ deadline: d.now() + 5000 })]);
    expect(pa).toBeInstanceOf(PrefixSocket);
    await pa.send('prefix again');
    expect(text(await pb.recv())).toBe('prefix again');
    const [ia, ib] = await Promise.all([pa.detach(), pb.detach()]);
    expect(ia).toBeInstanceOf(IpcSocket);
    await ib.send('!');
    expect(text(await ia.recv(1))).toBe('!');
    // TERM needs a message socket: a bytestream has no attachTerm.
    expect((ia as any).attachTerm).toBeUndefined();
    ia.close();
    ib.close();
  });
});
