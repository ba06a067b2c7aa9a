/**
 * The published types (dist/**\/*.d.ts, made by `make build`): they declare
 * every value the package exports, they type-check on their own, and what
 * the layers mark internal is not in them (tsconfig's stripInternal).
 *
 * stripInternal drops a declaration whose leading comment holds the internal
 * tag, which is easy to do by accident (a module's header comment is the
 * leading comment of its first statement); the first test catches that.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const INDEX_DTS = path.join(DIST, 'index.d.ts');

function dtsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...dtsFiles(p));
    else if (e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('published types', () => {
  let program: ts.Program;

  beforeAll(() => {
    if (!fs.existsSync(INDEX_DTS)) throw new Error("dist/ is not built: run 'make build'");
    program = ts.createProgram([INDEX_DTS], {
      strict: true, skipLibCheck: false, noEmit: true, types: ['node'],
      lib: ['lib.es2021.d.ts', 'lib.esnext.disposable.d.ts'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    });
  });

  test('dist/index.d.ts declares every value dist/index.js exports', () => {
    const checker = program.getTypeChecker();
    const mod = checker.getSymbolAtLocation(program.getSourceFile(INDEX_DTS)!)!;
    const declared = new Set(checker.getExportsOfModule(mod).map((s) => s.name));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const values = Object.keys(require(path.join(DIST, 'index.js'))).filter((n) => n !== '__esModule');
    expect(values.length).toBeGreaterThan(20);
    expect(values.filter((n) => !declared.has(n))).toEqual([]);
  });

  test('they type-check (skipLibCheck off)', () => {
    const diags = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.relative(ROOT, d.file.fileName)}: ` : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
    expect(diags).toEqual([]);
  });

  test('no internal member is published', () => {
    const found: string[] = [];
    // dist/gen/ holds the types generated from the C headers, whose names
    // are C's (the wasm export __errno_location), not the layers' own.
    for (const f of dtsFiles(DIST).filter((f) => !f.startsWith(path.join(DIST, 'gen') + path.sep))) {
      const text = fs.readFileSync(f, 'utf8');
      text.split('\n').forEach((line, i) => {
        // The tag itself, or a member named _like_this (the layers' internal calls).
        if (/@internal\b/.test(line) || /^\s*(?:(?:protected|readonly|abstract|static)\s+)*_\w+\??\s*[(:<]/.test(line)) {
          found.push(`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
