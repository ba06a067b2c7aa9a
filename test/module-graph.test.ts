/**
 * The module graph of the compiled TypeScript (dist/, made by `make build`):
 * no module requires itself back through others (no import cycle), and no
 * require lands on a stale build output.
 *
 * It reads every dist/**\/*.js compiled from src/ (dist/x/y.js from
 * src/x/y.ts) and follows its relative `require('./...')` calls, static or
 * lazy (a dynamic `import()` compiles to a require too), resolved as Node
 * does: `./a` is a.js before a/index.js. Type-only imports are erased by tsc
 * and so are not edges: classes may name each other in their types.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SRC = path.join(ROOT, 'src');

/** Module -> the modules it requires. */
type Graph = Map<string, string[]>;

/** The .ts a dist .js was compiled from (null: none, e.g. dist/wasm/libdill.js or a stale output). */
function sourceOf(js: string): string | null {
  const ts = path.join(SRC, path.relative(DIST, js)).replace(/\.js$/, '.ts');
  return fs.existsSync(ts) ? ts : null;
}

function jsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...jsFiles(p));
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** Where Node's require(spec) from `from` lands (null: not a file of dist/). */
function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

const REQUIRE = /\brequire\(\s*(['"])(\.{1,2}\/[^'"]*)\1\s*\)/g;

/** The require graph of the modules compiled from src/, and the requires that reach no source. */
function buildGraph(): { graph: Graph; stale: string[] } {
  const graph: Graph = new Map();
  const stale: string[] = [];
  const todo = jsFiles(DIST).filter((f) => sourceOf(f) !== null);
  while (todo.length) {
    const f = todo.pop()!;
    if (graph.has(f)) continue;
    const deps: string[] = [];
    for (const m of fs.readFileSync(f, 'utf8').matchAll(REQUIRE)) {
      const to = resolve(f, m[2]);
      if (to === null) throw new Error(`${path.relative(ROOT, f)}: require('${m[2]}') resolves to nothing`);
      if (to.endsWith('.js') && sourceOf(to) === null) stale.push(`${path.relative(ROOT, f)} -> ${path.relative(ROOT, to)}`);
      deps.push(to);
      todo.push(to);
    }
    graph.set(f, deps);
  }
  return { graph, stale };
}

/** A cycle of `graph` (its modules in order, the first repeated at the end), or null. */
export function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...graph.keys()].sort()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

describe('module graph of dist/', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error("dist/ is not built: run 'make build'");
  });

  test('findCycle finds a cycle, and none in a tree', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeNull();
  });

  test('no import cycle among the modules compiled from src/', () => {
    const { graph } = buildGraph();
    // The package entry and the idiomatic layer are in it.
    expect(graph.has(path.join(DIST, 'index.js'))).toBe(true);
    expect([...graph.keys()].length).toBeGreaterThan(5);
    const cycle = findCycle(graph);
    expect(cycle && cycle.map((f) => path.relative(DIST, f)).join(' -> ')).toBeNull();
  });

  test('every require lands on a module compiled from src/ (no stale output shadows a moved one)', () => {
    // A source moved into a folder (src/x.ts -> src/x/index.ts) leaves dist/x.js
    // behind, and require('./x') would load it rather than dist/x/index.js.
    expect(buildGraph().stale).toEqual([]);
  });
});
