/**
 * HTTP and WebSocket from the C-faithful layer, each function called with
 * C's arguments and checked against C's results and errno, over ipc_pair
 * and over TCP on 127.0.0.1; with the parameter kinds they brought: int *
 * out-parameters, and char * outputs with and without a length.
 */
import { cstr, enc, text, thrown } from './helpers';
import { brecv, bsend, dill, loadInstance, mrecv, pair, tcpPair } from './instance';

loadInstance();

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
