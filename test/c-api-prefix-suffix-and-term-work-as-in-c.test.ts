/**
 * The message protocols PREFIX, SUFFIX and TERM from the C-faithful layer,
 * each function called with C's arguments and checked against C's results
 * and errno, over ipc_pair and over TCP on 127.0.0.1; and every protocol
 * function of issue 6 is in the C-faithful API.
 */
import { enc, text, thrown } from './helpers';
import { brecv, bsend, dill, loadInstance, mrecv, pair, tcpPair } from './instance';

loadInstance();

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
