/**
 * The C-faithful layer (`const dill = await load()`) has every function of
 * libdill.h under its C name and its dill_ name, the blocking ones returning
 * a Promise, and the header's errno constants with strerror's messages.
 */
import { CALLS, CallDesc } from '../src/gen/api';
import { dill, loadInstance } from './instance';

loadInstance();

/** Arguments for which the call fails (or succeeds) at once, by parameter kind. */
function harmlessArgs(desc: CallDesc): unknown[] {
  return desc.params.map((p) => {
    switch (p.kind) {
      case 'int': return p.name === 'nclauses' ? 0 : -1;  // an invalid handle / descriptor
      case 'size': return 0;
      case 'deadline': return 0;                           // never blocks
      case 'iolist': case 'clauses': return [];
      default: return null;                                // buffers, strings, out arrays, storage
    }
  });
}

describe('every C function of the header', () => {
  test('the generated table is not empty and has the functions of the README', () => {
    const names = CALLS.map((c) => c.name);
    for (const n of ['hclose', 'hown', 'bundle', 'bundle_wait', 'msleep', 'now', 'chmake', 'chsend', 'chrecv',
      'chdone', 'choose', 'bsend', 'brecv', 'bsendl', 'brecvl', 'ipc_listen', 'ipc_accept', 'ipc_connect',
      'ipc_done', 'ipc_close', 'ipc_pair', 'ipc_sendfd', 'ipc_recvfd', 'fdin', 'fdout', 'fdclean', 'yield']) {
      expect(names).toContain(n);
    }
  });

  test.each(CALLS.map((c) => [c.name, c] as const))('%s: callable under its C name (and its dill_ name, but for extensions)', async (name, desc) => {
    const api = dill as unknown as { [k: string]: (...a: unknown[]) => unknown };
    // The extensions (dillwasm_*) have one name: no dill_ form to clash with libdill's.
    if (desc.ext) expect(api[`dill_${name}`]).toBeUndefined();
    else expect(api[`dill_${name}`]).toBe(api[name]);
    for (const fname of desc.ext ? [name] : [name, `dill_${name}`]) {
      const f = api[fname];
      expect(typeof f).toBe('function');
      const r = f(...harmlessArgs(desc));
      if (desc.async) {
        expect(r).toBeInstanceOf(Promise);
        const v = await r;
        expect(typeof v).toBe('number');
        expect(Number.isInteger(v)).toBe(true);
      } else if (desc.ret === 'void') {
        expect(r).toBeUndefined();
      } else if (desc.ret === 'string' || desc.ret === 'sockaddr') {
        expect(r).toBeNull();   // ipaddr_str/ipaddr_sockaddr of NULL
      } else {
        expect(typeof r).toBe('number');
        if (name === 'bundle') expect(dill.hclose(r as number)).toBe(0);
      }
      expect(Number.isInteger(dill.errno)).toBe(true);
      // A wrong number of arguments is refused before C sees anything.
      expect(() => f(...harmlessArgs(desc), 0)).toThrow(TypeError);
    }
  });

  test('go, go_mem, bundle_go, bundle_go_mem and their dill_ names exist', async () => {
    for (const n of ['go', 'go_mem', 'bundle_go', 'bundle_go_mem']) {
      expect(typeof (dill as any)[n]).toBe('function');
      expect((dill as any)[`dill_${n}`]).toBe((dill as any)[n]);
    }
    const ran: string[] = [];
    const h1 = dill.dill_go(async () => { ran.push('go'); });
    const h2 = dill.go_mem(async () => { ran.push('go_mem'); }, new Uint8Array(4096), 4096);
    const b = dill.bundle();
    expect(dill.bundle_go(b, async () => { ran.push('bundle_go'); })).toBe(0);
    expect(dill.dill_bundle_go_mem(b, async () => { ran.push('bundle_go_mem'); }, null, 0)).toBe(0);
    for (const h of [h1, h2, b]) {
      expect(h).toBeGreaterThanOrEqual(0);
      expect(await dill.bundle_wait(h, dill.now() + 2000)).toBe(0);
      expect(dill.hclose(h)).toBe(0);
    }
    expect(ran.sort()).toEqual(['bundle_go', 'bundle_go_mem', 'go', 'go_mem']);
  });

  test('now() is the ms clock; msleep waits until its deadline', async () => {
    const t0 = dill.now();
    expect(Number.isInteger(t0)).toBe(true);
    const start = Date.now();
    expect(await dill.msleep(t0 + 30)).toBe(0);
    expect(dill.now()).toBeGreaterThanOrEqual(t0 + 30);
    expect(Date.now() - start).toBeGreaterThanOrEqual(25);
    expect(await dill.msleep(0)).toBe(0);
    expect(await dill.yield()).toBe(0);
  });

  test('fdclean returns 0, as in C (stdin\'s descriptor, -1)', () => {
    expect(dill.fdclean(0)).toBe(0);
    expect(dill.dill_fdclean(-1)).toBe(0);
  });
});

// ---- strerror and the errno constants -------------------------------------------

describe('strerror and errno constants', () => {
  test('the constants are distinct positive integers, also in errnos', () => {
    const names = ['EPIPE', 'ECANCELED', 'ETIMEDOUT', 'EBADF', 'EINVAL', 'ENOTSUP', 'EMSGSIZE', 'ECONNRESET',
      'ECONNREFUSED', 'EADDRINUSE', 'ENOENT', 'EBUSY', 'ENOMEM'];
    const vals = names.map((n) => (dill as any)[n]);
    for (let i = 0; i < names.length; i++) {
      expect(typeof vals[i]).toBe('number');
      expect(Number.isInteger(vals[i]) && vals[i] > 0).toBe(true);
      expect(dill.errnos[names[i]]).toBe(vals[i]);
    }
    expect(new Set(vals).size).toBe(vals.length);
    expect(Object.isFrozen(dill.errnos)).toBe(true);
    expect(dill.CHSEND).not.toBe(dill.CHRECV);
  });

  test('strerror gives C\'s messages', () => {
    expect(typeof dill.strerror(dill.EPIPE)).toBe('string');
    expect(dill.strerror(dill.EPIPE)).toMatch(/pipe/i);
    expect(dill.strerror(dill.ETIMEDOUT)).toMatch(/timed out/i);
    expect(dill.strerror(dill.ECANCELED)).toMatch(/cancel/i);
    expect(dill.strerror(dill.EBADF)).toMatch(/bad file/i);
    expect(dill.strerror(dill.ENOENT)).toMatch(/no such file/i);
    expect(dill.strerror(0)).not.toBe('');
    expect(typeof dill.strerror(999999)).toBe('string');
  });
});
