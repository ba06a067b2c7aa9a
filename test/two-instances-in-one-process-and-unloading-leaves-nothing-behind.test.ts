/**
 * load() twice in one process gives two independent instances; once an
 * application has closed what it made and dropped its references, nothing
 * of either instance remains: both are garbage-collected, no handler is
 * left on `process`, no Node handle is left active, and the process ends
 * by itself.
 */
import { node, PACKAGE_INDEX } from './helpers';

test('two instances work side by side, and dropping them leaves nothing behind', () => {
  const src = `
    const { Dill } = require(${JSON.stringify(PACKAGE_INDEX)});
    async function use(d, tag) {
      const [a, b] = d.ipcPair();
      await a.send(tag);
      const got = Buffer.from(await b.recv(tag.length)).toString();
      await d.sleep({ timeout: 5 });
      const r = await d.go(async () => { await d.sleep({ timeout: 1 }); return tag; }).wait();
      const [c1, c2] = d.channel();
      const p = c2.recv();
      await c1.send({ tag });
      const v = await p;
      a.close(); b.close(); c1.close(); c2.close();
      return got + r + v.tag;
    }
    async function twoInstances() {
      const d1 = await Dill.load(), d2 = await Dill.load();
      if (d1 === d2 || d1.api === d2.api) throw new Error('one instance');
      const [x, y] = await Promise.all([use(d1, 'one'), use(d2, 'two')]);
      console.log(x, y);
      return [new WeakRef(d1), new WeakRef(d2), new WeakRef(d1.api), new WeakRef(d2.api)];
    }
    const active = () => JSON.stringify(process.getActiveResourcesInfo().sort());
    (async () => {
      console.log('start');
      const before = process.eventNames().map(String).sort().join(',');
      const activeBefore = active();
      const refs = await twoInstances();
      for (let i = 0; i < 20 && refs.some((r) => r.deref()); i++) {
        await new Promise((r) => setTimeout(r, 20));
        global.gc();
      }
      console.log('collected', refs.map((r) => !r.deref()).join(','));
      console.log('process handlers unchanged', process.eventNames().map(String).sort().join(',') === before);
      console.log('active resources unchanged', active() === activeBefore);
    })();
  `;
  const r = node(['--expose-gc', '-e', src], { timeout: 30000 });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('start\noneoneone twotwotwo\ncollected true,true,true,true\nprocess handlers unchanged true\n' +
    'active resources unchanged true\n');
  expect(r.status).toBe(0);
});
