/**
 * The protocols of issue 6 from TypeScript, C-faithful layer (`await
 * load()`): PREFIX, SUFFIX, TERM, HTTP, WebSocket and SOCKS5, each function
 * called with C's arguments and checked against C's results and errno, over
 * ipc_pair and over TCP on 127.0.0.1; and how the parameter kinds these
 * functions brought are marshalled (int * out-parameters, char * outputs
 * with and without a length, the SOCKS5 auth callback).
 *
 * It loads the built package (dist/, made by `make build`).
 */
import { load } from '../dist/index';
import type { CApi, IpAddr } from '../dist/index';
import { tcpPair as tcpPairOf } from './helpers';

let dill: CApi;

beforeAll(async () => {
  dill = await load();
});

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
/** The NUL-terminated text in `b`. */
const cstr = (b: Uint8Array): string => text(b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)));

/** What `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): any {
  try { fn(); } catch (e) { return e; }
  throw new Error('did not throw');
}

/** Two connected IPC sockets. */
function pair(): [number, number] {
  const s = [0, 0];
  expect(dill.ipc_pair(s)).toBe(0);
  return [s[0], s[1]];
}

/** A connected TCP pair over 127.0.0.1: [client, server]. */
const tcpPair = (): Promise<[number, number]> => tcpPairOf(dill);

/** Receives one message into a buffer of `size` bytes: its bytes, or null with errno. */
async function mrecv(h: number, size = 1024, deadline = dill.now() + 5000): Promise<Uint8Array | null> {
  const buf = new Uint8Array(size);
  const n = await dill.mrecv(h, buf, size, deadline);
  return n < 0 ? null : buf.slice(0, n);
}

/** Exactly `n` raw bytes from a bytestream. */
async function brecv(h: number, n: number): Promise<Uint8Array> {
  const buf = new Uint8Array(n);
  expect(await dill.brecv(h, buf, n, dill.now() + 5000)).toBe(0);
  return buf;
}

async function bsend(h: number, bytes: number[] | Uint8Array): Promise<void> {
  const b = Uint8Array.from(bytes);
  expect(await dill.bsend(h, b, b.length, dill.now() + 5000)).toBe(0);
}

// ---- PREFIX ----------------------------------------------------------------------------

describe('PREFIX', () => {
  test('prefix_attach both ways over ipc_pair: msend/mrecv, the header on the wire, the old number is gone', async () => {
    const [a, b] = pair();
    const pa = dill.prefix_attach(a, 2, dill.PREFIX_BIG_ENDIAN);
    expect(pa).toBeGreaterThanOrEqual(0);
    // The protocol owns the socket now (hown): the caller's number is gone.
    expect(dill.hclose(a)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    // A message as the raw peer sees it: 2-byte big-endian size, then the bytes.
    expect(await dill.msend(pa, enc('ABC'), 3, -1)).toBe(0);
    expect([...await brecv(b, 5)]).toEqual([0, 3, 0x41, 0x42, 0x43]);
    // And the other way round.
    await bsend(b, [0, 2, 0x68, 0x69]);
    expect(text((await mrecv(pa))!)).toBe('hi');
    // Empty messages.
    expect(await dill.msend(pa, null, 0, -1)).toBe(0);
    expect([...await brecv(b, 2)]).toEqual([0, 0]);
    expect(dill.hclose(pa)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('little-endian 4-byte headers; msendl/mrecvl with iolists; prefix_attach_mem', async () => {
    const [a, b] = pair();
    const mem = dill.storage('prefix_storage');
    const pa = dill.prefix_attach_mem(a, 4, dill.PREFIX_LITTLE_ENDIAN, mem);
    const pb = dill.prefix_attach(b, 4, dill.PREFIX_LITTLE_ENDIAN);
    expect(pa).toBeGreaterThanOrEqual(0);
    expect(pb).toBeGreaterThanOrEqual(0);
    expect(await dill.msendl(pa, [enc('Hello, '), enc('world')], -1)).toBe(0);
    const x = new Uint8Array(3);
    const y = new Uint8Array(20);
    // ssize_t: the size of the message; only the bytes received are written.
    expect(await dill.mrecvl(pb, [x, { base: null, len: 2 }, y], -1)).toBe(12);
    expect(text(x)).toBe('Hel');
    expect(text(y.subarray(0, 7))).toBe(', world');
    expect(y[7]).toBe(0);
    expect(dill.hclose(pa)).toBe(0);
    mem.free();
    expect(dill.hclose(pb)).toBe(0);
  });

  test('errno: EINVAL (hdrlen 0 and 9), EBADF, EPROTO (not a bytestream), EMSGSIZE both ways; a failed attach closes the socket', async () => {
    for (const hdrlen of [0, 9]) {
      const [x, y] = pair();
      expect(dill.prefix_attach(x, hdrlen, 0)).toBe(-1);
      expect(dill.errno).toBe(dill.EINVAL);
      expect(dill.hclose(x)).toBe(-1);
      expect(dill.errno).toBe(dill.EBADF);
      expect(dill.hclose(y)).toBe(0);
    }
    const [a, b] = pair();
    expect(dill.prefix_attach(12345, 2, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    const ch = [0, 0];
    expect(dill.chmake(ch)).toBe(0);
    expect(dill.prefix_attach(ch[0], 2, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    expect(dill.prefix_detach(ch[1])).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    const pa = dill.prefix_attach(a, 1, 0);
    const pb = dill.prefix_attach(b, 1, 0);
    expect(pa).toBeGreaterThanOrEqual(0);
    // 1-byte headers: 255 bytes at most.
    expect(await dill.msend(pa, new Uint8Array(256), 256, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    expect(await dill.msend(pa, new Uint8Array(255), 255, -1)).toBe(0);
    // Larger than the receive buffer.
    expect(await mrecv(pb, 10)).toBeNull();
    expect(dill.errno).toBe(dill.EMSGSIZE);
    // A length larger than the buffer is refused before C sees it.
    expect(thrown(() => dill.msend(pa, new Uint8Array(2), 3, -1))).toBeInstanceOf(TypeError);
    for (const h of [pa, pb, ch[1]]) expect(dill.hclose(h)).toBe(0);
  });

  test('prefix_detach gives back the sockets at once, sending and reading nothing', async () => {
    const [a, b] = pair();
    const pa = dill.prefix_attach(a, 2, 0);
    const pb = dill.prefix_attach(b, 2, 0);
    expect(await dill.msend(pa, enc('one'), 3, -1)).toBe(0);
    // pa's message is still unread when both detach: it stays in b's socket.
    const ua = dill.prefix_detach(pa);
    const ub = dill.prefix_detach(pb);
    expect(ua).toBeGreaterThanOrEqual(0);
    expect(ub).toBeGreaterThanOrEqual(0);
    // Raw bytes flow on the bytestreams again.
    await bsend(ua, enc('raw'));
    expect(text(await brecv(ub, 8))).toBe('\x00\x03oneraw');
    expect(dill.hclose(pa)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(dill.hclose(ua)).toBe(0);
    expect(dill.hclose(ub)).toBe(0);
  });

  test('over TCP: a 300 KB message with 4-byte headers, and detach', async () => {
    const [c, s] = await tcpPair();
    const pc = dill.prefix_attach(c, 4, 0);
    const ps = dill.prefix_attach(s, 4, 0);
    const big = new Uint8Array(300000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 255;
    const sent = dill.msend(pc, big, big.length, dill.now() + 10000);
    const got = await mrecv(ps, 400000, dill.now() + 10000);
    expect(await sent).toBe(0);
    expect(Buffer.compare(got!, big)).toBe(0);
    const [uc, us] = [dill.prefix_detach(pc), dill.prefix_detach(ps)];
    expect(await Promise.all([dill.tcp_close(uc, dill.now() + 5000), dill.tcp_close(us, dill.now() + 5000)])).toEqual([0, 0]);
  });
});

// ---- SUFFIX ----------------------------------------------------------------------------

describe('SUFFIX', () => {
  test('suffix_attach: "\\r\\n" lines both ways, on the wire; iolists; suffix_detach; suffix_attach_mem', async () => {
    const [a, b] = pair();
    const sa = dill.suffix_attach(a, enc('\r\n'), 2);
    const mem = dill.storage('suffix_storage');
    const sb = dill.suffix_attach_mem(b, enc('\r\n'), 2, mem);
    expect(sa).toBeGreaterThanOrEqual(0);
    expect(sb).toBeGreaterThanOrEqual(0);
    expect(await dill.msend(sa, enc('hello'), 5, -1)).toBe(0);
    expect(text((await mrecv(sb))!)).toBe('hello');
    expect(await dill.msendl(sb, [enc('a'), enc('b')], -1)).toBe(0);
    expect(text((await mrecv(sa))!)).toBe('ab');
    // A message containing the delimiter goes as it is: the peer gets two.
    expect(await dill.msend(sa, enc('x\r\ny'), 4, -1)).toBe(0);
    expect(text((await mrecv(sb))!)).toBe('x');
    expect(text((await mrecv(sb))!)).toBe('y');
    const [ua, ub] = await Promise.all([dill.suffix_detach(sa, -1), dill.suffix_detach(sb, -1)]);
    expect(ua).toBeGreaterThanOrEqual(0);
    expect(ub).toBeGreaterThanOrEqual(0);
    await bsend(ua, enc('z\r\n'));
    expect(text(await brecv(ub, 3))).toBe('z\r\n');
    expect(dill.hclose(ua)).toBe(0);
    expect(dill.hclose(ub)).toBe(0);
    mem.free();
  });

  test('errno: EINVAL (NULL, 0 or 33 bytes), EPROTO (a channel), EBADF, a failed attach closing the socket; EMSGSIZE; EPIPE at the end of the bytestream', async () => {
    for (const [sfx, len] of [[null, 2], [enc('x'), 0], [new Uint8Array(33), 33]] as [Uint8Array | null, number][]) {
      const [x, y] = pair();
      expect(dill.suffix_attach(x, sfx, len)).toBe(-1);
      expect(dill.errno).toBe(dill.EINVAL);
      expect(dill.hclose(x)).toBe(-1);
      expect(dill.hclose(y)).toBe(0);
    }
    const [a, b] = pair();
    const ch = [0, 0];
    dill.chmake(ch);
    expect(dill.suffix_attach(ch[0], enc(';'), 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);   // and ch[0] is closed
    expect(dill.suffix_attach(-1, enc(';'), 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.suffix_detach(ch[1], -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    const sb = dill.suffix_attach(b, enc(';'), 1);
    await bsend(a, enc('0123456789;'));
    expect(await mrecv(sb, 4)).toBeNull();
    expect(dill.errno).toBe(dill.EMSGSIZE);
    const [c, d] = pair();
    const sd = dill.suffix_attach(d, enc(';'), 1);
    expect(await dill.ipc_done(c, -1)).toBe(0);
    expect(await mrecv(sd)).toBeNull();
    expect(dill.errno).toBe(dill.EPIPE);
    for (const h of [a, sb, c, sd, ch[1]]) expect(dill.hclose(h)).toBe(0);
  });
});

// ---- TERM ------------------------------------------------------------------------------

describe('TERM', () => {
  test('term_attach over PREFIX: messages, term_done, EPIPE at the peer\'s terminal message, term_detach both sides', async () => {
    const [a, b] = pair();
    const ta = dill.term_attach(dill.prefix_attach(a, 2, 0), enc('STOP'), 4);
    const mem = dill.storage('term_storage');
    const tb = dill.term_attach_mem(dill.prefix_attach(b, 2, 0), enc('STOP'), 4, mem);
    expect(ta).toBeGreaterThanOrEqual(0);
    expect(tb).toBeGreaterThanOrEqual(0);
    expect(await dill.msend(ta, enc('data'), 4, -1)).toBe(0);
    expect(await dill.term_done(ta, -1)).toBe(0);
    expect(await dill.term_done(ta, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.msend(ta, enc('late'), 4, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(text((await mrecv(tb))!)).toBe('data');
    expect(await mrecv(tb)).toBeNull();
    expect(dill.errno).toBe(dill.EPIPE);
    // b can still send; a receives it, then both detach.
    expect(await dill.msend(tb, enc('reply'), 5, -1)).toBe(0);
    expect(text((await mrecv(ta))!)).toBe('reply');
    const [pa, pb] = await Promise.all([dill.term_detach(ta, dill.now() + 5000), dill.term_detach(tb, dill.now() + 5000)]);
    expect(pa).toBeGreaterThanOrEqual(0);
    expect(pb).toBeGreaterThanOrEqual(0);
    // The PREFIX sockets underneath go on.
    expect(await dill.msend(pa, enc('after'), 5, -1)).toBe(0);
    expect(text((await mrecv(pb))!)).toBe('after');
    expect(dill.hclose(pa)).toBe(0);
    expect(dill.hclose(pb)).toBe(0);
    mem.free();
  });

  test('errno: EPROTO on a bytestream, EBADF, ENOTSUP for term_done/term_detach on other handles, ETIMEDOUT', async () => {
    const [x, y] = pair();
    expect(dill.term_attach(x, enc('X'), 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    expect(dill.hclose(x)).toBe(-1);   // a failed attach closes the socket
    expect(dill.hclose(y)).toBe(0);
    const [a, b] = pair();
    expect(dill.term_attach(4321, enc('X'), 1)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.term_done(a, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(await dill.term_detach(a, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    // The peer never answers: the handshake times out.
    const ta = dill.term_attach(dill.prefix_attach(a, 2, 0), enc('X'), 1);
    expect(await dill.term_detach(ta, dill.now() + 50)).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    expect(dill.hclose(b)).toBe(0);
  });
});

// ---- HTTP ------------------------------------------------------------------------------

describe('HTTP', () => {
  test('a request and a response over ipc_pair: char * buffers with their lengths, EPIPE after the last field, detach to the body', async () => {
    const [a, b] = pair();
    const c = dill.http_attach(a);
    const mem = dill.storage('http_storage');
    const s = dill.http_attach_mem(b, mem);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(await dill.http_sendrequest(c, 'GET', '/index.html', -1)).toBe(0);
    expect(await dill.http_sendfield(c, 'Host', 'example.test', -1)).toBe(0);
    expect(await dill.http_done(c, -1)).toBe(0);
    const command = new Uint8Array(16);
    const resource = new Uint8Array(64);
    expect(await dill.http_recvrequest(s, command, 16, resource, 64, -1)).toBe(0);
    expect(cstr(command)).toBe('GET');
    expect(cstr(resource)).toBe('/index.html');
    const name = new Uint8Array(64);
    const value = new Uint8Array(64);
    expect(await dill.http_recvfield(s, name, 64, value, 64, -1)).toBe(0);
    expect([cstr(name), cstr(value)]).toEqual(['Host', 'example.test']);
    expect(await dill.http_recvfield(s, name, 64, value, 64, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.http_sendstatus(s, 404, 'Not Found', -1)).toBe(0);
    expect(await dill.http_sendfield(s, 'Content-Length', '4', -1)).toBe(0);
    expect(await dill.http_done(s, -1)).toBe(0);
    expect(await dill.http_done(s, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    const reason = new Uint8Array(32);
    expect(await dill.http_recvstatus(c, reason, 32, -1)).toBe(404);
    expect(cstr(reason)).toBe('Not Found');
    const us = await dill.http_detach(s, -1);
    expect(us).toBeGreaterThanOrEqual(0);
    await bsend(us, enc('body'));
    const uc = await dill.http_detach(c, -1);
    expect(uc).toBeGreaterThanOrEqual(0);
    // The rest of the peer's head (its field) was dropped: the body follows.
    expect(text(await brecv(uc, 4))).toBe('body');
    expect(dill.hclose(uc)).toBe(0);
    expect(dill.hclose(us)).toBe(0);
    mem.free();
  });

  test('errno: EMSGSIZE (buffer too small), EINVAL (bad arguments, NULL), EPROTO (malformed line, not a bytestream), ECONNRESET, ENOTSUP; buffers longer than their length throw', async () => {
    const [a, b] = pair();
    const ch = [0, 0];
    dill.chmake(ch);
    expect(dill.http_attach(ch[0])).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);   // as upstream's; and ch[0] is closed
    expect(dill.http_attach(777)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    expect(await dill.http_done(a, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    const s = dill.http_attach(b);
    expect(await dill.http_sendrequest(s, 'G ET', '/', -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.http_sendrequest(s, 'GET', null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.http_sendstatus(s, 99, 'x', -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.http_sendfield(s, 'Bad Name', 'v', -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // The command does not fit in 3 bytes (with its NUL).
    await bsend(a, enc('POST /x HTTP/1.1\r\n'));
    const small = new Uint8Array(3);
    const res = new Uint8Array(64);
    expect(await dill.http_recvrequest(s, small, 3, res, 64, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    // A malformed line (read whole: the connection stays usable).
    await bsend(a, enc('NOT HTTP\r\n'));
    const cmd = new Uint8Array(16);
    expect(await dill.http_recvrequest(s, cmd, 16, res, 64, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    // The peer closes in the middle of a head: EPIPE (as upstream's), then ECONNRESET.
    expect(await dill.ipc_done(a, -1)).toBe(0);
    expect(await dill.http_recvrequest(s, cmd, 16, res, 64, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await dill.http_recvrequest(s, cmd, 16, res, 64, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNRESET);
    expect(thrown(() => dill.http_recvrequest(s, new Uint8Array(2), 3, res, 64, -1))).toBeInstanceOf(TypeError);
    for (const h of [a, s, ch[1]]) expect(dill.hclose(h)).toBe(0);
  });
});

// ---- WebSocket ---------------------------------------------------------------------------

describe('WebSocket', () => {
  /** Client and server attached over [a, b]; the server's resource and host. */
  async function wsPair(a: number, b: number, flags = 0): Promise<{ c: number; s: number; resource: string; host: string }> {
    const resource = new Uint8Array(64);
    const host = new Uint8Array(64);
    const srv = dill.ws_attach_server(b, flags, resource, 64, host, 64, dill.now() + 5000);
    const c = await dill.ws_attach_client(a, flags, '/chat?x=1', 'example.test', dill.now() + 5000);
    const s = await srv;
    expect(c).toBeGreaterThanOrEqual(0);
    expect(s).toBeGreaterThanOrEqual(0);
    return { c, s, resource: cstr(resource), host: cstr(host) };
  }

  test('handshake over ipc_pair; ws_send/ws_recv with the int * flags; msend/mrecv; ws_recvl', async () => {
    const [a, b] = pair();
    const { c, s, resource, host } = await wsPair(a, b);
    expect([resource, host]).toEqual(['/chat?x=1', 'example.test']);
    expect(await dill.ws_send(c, dill.WS_TEXT, enc('héllo'), 6, -1)).toBe(0);
    const flags = new Int32Array([-5]);
    const buf = new Uint8Array(100);
    expect(await dill.ws_recv(s, flags, buf, 100, -1)).toBe(6);
    expect(flags[0]).toBe(dill.WS_TEXT);
    expect(text(buf.subarray(0, 6))).toBe('héllo');
    expect(await dill.ws_send(s, dill.WS_BINARY, Uint8Array.from([0, 1, 2]), 3, -1)).toBe(0);
    // A plain array works as an int * too.
    const f2 = [7];
    expect(await dill.ws_recv(c, f2, buf, 100, -1)).toBe(3);
    expect(f2[0]).toBe(dill.WS_BINARY);
    // msend/mrecv: the socket's type (binary here).
    expect(await dill.msend(c, enc('m'), 1, -1)).toBe(0);
    expect(text((await mrecv(s))!)).toBe('m');
    expect(await dill.ws_sendl(s, dill.WS_TEXT, [enc('ab'), enc('cd')], -1)).toBe(0);
    const x = new Uint8Array(3);
    const y = new Uint8Array(3);
    const f3 = new Int32Array(1);
    expect(await dill.ws_recvl(c, f3, [x, y], -1)).toBe(4);
    expect(f3[0]).toBe(dill.WS_TEXT);
    expect(text(x) + text(y.subarray(0, 1))).toBe('abcd');
    // NULL flags are allowed.
    expect(await dill.ws_send(c, dill.WS_BINARY, enc('n'), 1, -1)).toBe(0);
    expect(await dill.ws_recv(s, null, buf, 100, -1)).toBe(1);
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);
  });

  test('close handshake: ws_done with status and reason, EPIPE, ws_status (int * and buffer), ws_detach to the bytestreams', async () => {
    const [a, b] = pair();
    const { c, s } = await wsPair(a, b, dill.WS_TEXT);
    const st = new Int32Array(1);
    expect(dill.ws_status(s, st, null, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EAGAIN);
    expect(await dill.ws_done(c, 1001, enc('going away'), 10, -1)).toBe(0);
    expect(await dill.ws_done(c, 1000, null, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EPIPE);
    expect(await mrecv(s)).toBeNull();
    expect(dill.errno).toBe(dill.EPIPE);
    const reason = new Uint8Array(125);
    expect(dill.ws_status(s, st, reason, 125)).toBe(10);
    expect(st[0]).toBe(1001);
    expect(text(reason.subarray(0, 10))).toBe('going away');
    expect(dill.ws_status(s, st, new Uint8Array(4), 4)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    expect(dill.ws_status(s, null, null, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    const [uc, us] = await Promise.all([dill.ws_detach(c, 1000, null, 0, dill.now() + 5000),
      dill.ws_detach(s, 1000, enc('bye'), 3, dill.now() + 5000)]);
    expect(uc).toBeGreaterThanOrEqual(0);
    expect(us).toBeGreaterThanOrEqual(0);
    await bsend(us, enc('raw'));
    expect(text(await brecv(uc, 3))).toBe('raw');
    expect(dill.hclose(uc)).toBe(0);
    expect(dill.hclose(us)).toBe(0);
  });

  test('WS_NOHTTP with ws_request_key/ws_response_key (fixed-size char * outputs); attach_mem; over TCP', async () => {
    // RFC 6455's example.
    const r = new Uint8Array(dill.WS_KEY_SIZE);
    expect(dill.ws_response_key('dGhlIHNhbXBsZSBub25jZQ==', r)).toBe(0);
    expect(cstr(r)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const k = new Uint8Array(dill.WS_KEY_SIZE);
    expect(dill.ws_request_key(k)).toBe(0);
    expect(cstr(k)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(dill.ws_response_key('not a key', r)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    expect(dill.ws_request_key(null)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // Less room than WS_KEY_SIZE would let C write past the array.
    expect(thrown(() => dill.ws_request_key(new Uint8Array(24)))).toBeInstanceOf(TypeError);
    expect(thrown(() => dill.ws_response_key('dGhlIHNhbXBsZSBub25jZQ==', new Uint8Array(28)))).toBeInstanceOf(TypeError);

    const [tc, ts] = await tcpPair();
    const memc = dill.storage('ws_storage');
    const mems = dill.storage('ws_storage');
    const c = await dill.ws_attach_client_mem(tc, dill.WS_NOHTTP | dill.WS_BINARY, null, null, memc, -1);
    const s = await dill.ws_attach_server_mem(ts, dill.WS_NOHTTP, null, 0, null, 0, mems, -1);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(s).toBeGreaterThanOrEqual(0);
    const big = new Uint8Array(70000).fill(0x5a);
    const sent = dill.ws_send(c, dill.WS_BINARY, big, big.length, dill.now() + 5000);
    const got = await mrecv(s, 80000);
    expect(await sent).toBe(0);
    expect(got!.length).toBe(70000);
    expect(dill.hclose(c)).toBe(0);
    expect(dill.hclose(s)).toBe(0);
    memc.free();
    mems.free();
  });

  test('errno: EINVAL (NULL resource), EFAULT (NULL send buffer), ENOTSUP (not a bytestream), EPROTO (a refused handshake closes the socket), EMSGSIZE; a failed attach closes the socket', async () => {
    let [a, b] = pair();
    // As upstream, a failed attach closes the socket it was given.
    expect(await dill.ws_attach_client(a, 0, null, 'h', -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hclose(a)).toBe(-1);
    expect(dill.hclose(b)).toBe(0);
    [a, b] = pair();
    expect(await dill.ws_attach_server(b, 0, null, 0, null, 0, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(dill.hclose(b)).toBe(-1);
    [a, b] = pair();
    const ch = [0, 0];
    dill.chmake(ch);
    expect(dill.ws_status(ch[0], new Int32Array(1), null, 0)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    expect(await dill.ws_attach_client(ch[0], 0, '/', 'h', -1)).toBe(-1);
    expect(dill.errno).toBe(dill.ENOTSUP);
    // A server answering no WebSocket: EPROTO, and the socket is gone.
    const srv = (async () => {
      const buf = new Uint8Array(1);
      // Read the request up to its blank line, then answer 200.
      let seen = '';
      while (!seen.endsWith('\r\n\r\n')) {
        expect(await dill.brecv(b, buf, 1, dill.now() + 5000)).toBe(0);
        seen += String.fromCharCode(buf[0]);
      }
      await bsend(b, enc('HTTP/1.1 200 OK\r\n\r\n'));
    })();
    expect(await dill.ws_attach_client(a, 0, '/', 'h', dill.now() + 5000)).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    await srv;
    expect(dill.hclose(a)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    const [x, y] = pair();
    const { c, s } = await wsPair(x, y);
    expect(await dill.ws_send(c, dill.WS_TEXT, null, 1, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EFAULT);
    expect(await dill.ws_send(c, dill.WS_BINARY, new Uint8Array(10), 10, -1)).toBe(0);
    expect(await dill.ws_recv(s, new Int32Array(1), new Uint8Array(4), 4, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EMSGSIZE);
    // int * arguments: an empty array, or something else, throw.
    expect(thrown(() => dill.ws_recv(s, new Int32Array(0), new Uint8Array(4), 4, -1))).toBeInstanceOf(TypeError);
    expect(thrown(() => dill.ws_recv(s, 3 as any, new Uint8Array(4), 4, -1))).toBeInstanceOf(TypeError);
    for (const h of [b, c, s, ch[1]]) expect(dill.hclose(h)).toBe(0);
  });
});

// ---- SOCKS5 ------------------------------------------------------------------------------

describe('SOCKS5', () => {
  test('client by name and proxy with the TS auth callback: credentials seen, the host buffer and the int * port filled, reply', async () => {
    const [a, b] = pair();
    const seen: [string, string][] = [];
    const proxy = (async () => {
      expect(await dill.socks5_proxy_auth(b, (u, p) => { seen.push([u, p]); return u === 'alice' && p === 'sécret'; }, -1)).toBe(0);
      const host = new Uint8Array(256);
      const port = new Int32Array(1);
      expect(await dill.socks5_proxy_recvcommandbyname(b, host, port, -1)).toBe(dill.SOCKS5_CONNECT);
      expect([cstr(host), port[0]]).toEqual(['example.test', 8080]);
      const bound = dill.ipaddr();
      dill.ipaddr_local(bound, '127.0.0.1', 4242, 0);
      expect(await dill.socks5_proxy_sendreply(b, dill.SOCKS5_SUCCESS, bound, -1)).toBe(0);
    })();
    expect(await dill.socks5_client_connectbyname(a, 'alice', 'sécret', 'example.test', 8080, dill.now() + 5000)).toBe(0);
    await proxy;
    expect(seen).toEqual([['alice', 'sécret']]);
    // The tunnel: plain bytes from now on.
    await bsend(a, enc('tunnel'));
    expect(text(await brecv(b, 6))).toBe('tunnel');
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('client by address without credentials, proxy with a NULL callback and recvcommand (struct ipaddr written back); failure replies as errno', async () => {
    const [a, b] = pair();
    const target = dill.ipaddr();
    expect(dill.ipaddr_local(target, '::1', 9000, 0)).toBe(0);
    const proxy = (async () => {
      expect(await dill.socks5_proxy_auth(b, null, -1)).toBe(0);
      const got = dill.ipaddr();
      expect(await dill.socks5_proxy_recvcommand(b, got, -1)).toBe(dill.SOCKS5_CONNECT);
      expect(dill.ipaddr_equal(got, target, 0)).toBe(1);
      expect(await dill.socks5_proxy_sendreply(b, dill.SOCKS5_CONNECTION_REFUSED, null, -1)).toBe(0);
    })();
    expect(await dill.socks5_client_connect(a, null, null, target, dill.now() + 5000)).toBe(-1);
    expect(dill.errno).toBe(dill.ECONNREFUSED);
    await proxy;
    expect(dill.hclose(a)).toBe(0);
    expect(dill.hclose(b)).toBe(0);
  });

  test('the callback: false and 0 refuse (EACCES both sides), a number accepts, a throw refuses and rejects the proxy call, library calls from it throw', async () => {
    const run = async (fn: (u: string, p: string) => boolean | number): Promise<[number, number, number, unknown]> => {
      const [a, b] = pair();
      let err: unknown = null;
      const proxy = dill.socks5_proxy_auth(b, fn, dill.now() + 5000).catch((e) => { err = e; return -2; });
      const rc = await dill.socks5_client_connectbyname(a, 'u', 'p', 'h', 1, dill.now() + 5000);
      const cerr = dill.errno;
      const prc = await proxy;
      dill.hclose(a);
      dill.hclose(b);
      return [rc, cerr, prc, err];
    };
    let [rc, cerr, prc, err] = await run(() => false);
    expect([rc, cerr, prc, err]).toEqual([-1, dill.EACCES, -1, null]);
    [rc, cerr, prc] = await run(() => 0);
    expect([rc, cerr, prc]).toEqual([-1, dill.EACCES, -1]);
    // Accepted: the client goes on to its request, which the proxy never reads.
    const [a, b] = pair();
    const p = dill.socks5_proxy_auth(b, () => 2, -1);
    const c = dill.socks5_client_connectbyname(a, 'u', 'p', 'h', 1, dill.now() + 200);
    expect(await p).toBe(0);
    expect(await c).toBe(-1);
    expect(dill.errno).toBe(dill.ETIMEDOUT);
    dill.hclose(a);
    dill.hclose(b);
    const boom = new Error('boom');
    [rc, cerr, prc, err] = await run(() => { throw boom; });
    expect([rc, cerr, prc, err]).toEqual([-1, dill.EACCES, -2, boom]);
    [rc, cerr, prc, err] = await run(() => { dill.now(); return true; });
    expect([rc, cerr, prc]).toEqual([-1, dill.EACCES, -2]);
    expect((err as Error).message).toMatch(/must not call into the library/);
    [rc, cerr, prc, err] = await run((() => 'yes') as any);
    expect([rc, prc]).toEqual([-1, -2]);
    expect(err).toBeInstanceOf(TypeError);
  });

  test('credentials that are not UTF-8 are refused without calling the callback', async () => {
    const [a, b] = pair();
    let called = false;
    const proxy = dill.socks5_proxy_auth(b, () => { called = true; return true; }, dill.now() + 5000);
    await bsend(a, [5, 1, 2]);
    expect([...await brecv(a, 2)]).toEqual([5, 2]);
    await bsend(a, [1, 2, 0xff, 0xfe, 1, 0x41]);
    // Status 0xff, as C's refusals.
    expect([...await brecv(a, 2)]).toEqual([1, 0xff]);
    expect(await proxy).toBe(-1);
    expect(dill.errno).toBe(dill.EACCES);
    expect(called).toBe(false);
    dill.hclose(a);
    dill.hclose(b);
  });

  test('errno: EINVAL (bad name, port, credentials, reply, NULL host/port), EPROTO (not SOCKS5), EBADF; a host buffer under 256 bytes throws', async () => {
    const [a, b] = pair();
    // Credentials over 255 bytes: before anything is sent.
    expect(await dill.socks5_client_connectbyname(a, 'u'.repeat(256), null, 'h', 80, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // The destination: once the proxy has picked a method (queued here), as upstream.
    await bsend(b, [5, 0, 5, 0, 5, 0]);
    expect(await dill.socks5_client_connectbyname(a, null, null, 'h'.repeat(256), 80, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.socks5_client_connectbyname(a, null, null, 'h', 70000, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.socks5_client_connect(a, null, null, dill.ipaddr(), -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect([...await brecv(b, 9)]).toEqual([5, 1, 0, 5, 1, 0, 5, 1, 0]);
    expect(await dill.socks5_proxy_sendreply(b, 9, null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    // NULL host, port or address: once the request (queued here) is read.
    const req = [5, 1, 0, 1, 10, 0, 0, 1, 0, 80];
    await bsend(a, [...req, ...req, ...req]);
    expect(await dill.socks5_proxy_recvcommandbyname(b, null, new Int32Array(1), -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.socks5_proxy_recvcommandbyname(b, new Uint8Array(256), null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(await dill.socks5_proxy_recvcommand(b, null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EINVAL);
    expect(thrown(() => dill.socks5_proxy_recvcommandbyname(b, new Uint8Array(255), new Int32Array(1), -1))).toBeInstanceOf(TypeError);
    expect(thrown(() => dill.socks5_proxy_auth(b, 'x' as any, -1))).toBeInstanceOf(TypeError);
    expect(await dill.socks5_proxy_auth(55555, null, -1)).toBe(-1);
    expect(dill.errno).toBe(dill.EBADF);
    // Not SOCKS5: version 4.
    const proxy = dill.socks5_proxy_auth(b, null, dill.now() + 5000);
    await bsend(a, [4, 1, 0]);
    expect(await proxy).toBe(-1);
    expect(dill.errno).toBe(dill.EPROTO);
    dill.hclose(a);
    dill.hclose(b);
  });

  test('over TCP: proxy and client as two coroutines', async () => {
    const [c, s] = await tcpPair();
    const proxy = dill.go(async () => {
      expect(await dill.socks5_proxy_auth(s, (u, p) => u === 'x' && p === 'y', -1)).toBe(0);
      const host = new Uint8Array(256);
      const port = [0];
      expect(await dill.socks5_proxy_recvcommandbyname(s, host, port, -1)).toBe(dill.SOCKS5_CONNECT);
      expect([cstr(host), port[0]]).toEqual(['127.0.0.1', 443]);
      expect(await dill.socks5_proxy_sendreply(s, dill.SOCKS5_SUCCESS, null, -1)).toBe(0);
    });
    const target = dill.ipaddr();
    dill.ipaddr_local(target, '127.0.0.1', 443, 0);
    expect(await dill.socks5_client_connect(c, 'x', 'y', target, dill.now() + 5000)).toBe(0);
    expect(await dill.bundle_wait(proxy, dill.now() + 5000)).toBe(0);
    dill.hclose(proxy);
    dill.hclose(c);
    dill.hclose(s);
  });
});

// ---- the generated table -------------------------------------------------------------------

test('every issue-6 function is in the C-faithful API, with the Promise-returning ones as documented', () => {
  const sync = ['prefix_attach', 'prefix_attach_mem', 'suffix_attach', 'suffix_attach_mem', 'term_attach', 'term_attach_mem',
    'http_attach', 'http_attach_mem', 'ws_status', 'ws_request_key', 'ws_response_key'];
  for (const name of sync) expect(typeof (dill as any)[name]).toBe('function');
  const [a] = pair();
  // prefix_detach never blocks (PREFIX has no terminal handshake): a number.
  expect(dill.prefix_detach(a)).toBe(-1);
  expect(dill.errno).toBe(dill.ENOTSUP);
  dill.hclose(a);
});

// Unused-import guard for the IpAddr type (documents what ipaddr() is).
export type { IpAddr };
