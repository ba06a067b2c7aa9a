/**
 * SOCKS5 from the C-faithful layer: the client and proxy functions called
 * with C's arguments and checked against C's results and errno, over
 * ipc_pair and over TCP on 127.0.0.1, with the host buffer and int * port
 * filled as in C and the proxy's auth callback written in TypeScript.
 */
import { cstr, enc, text, thrown } from './helpers';
import { brecv, bsend, dill, loadInstance, pair, tcpPair } from './instance';

loadInstance();

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
