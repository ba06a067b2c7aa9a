/**
 * The published types say what a call guarantees, and a call that cannot
 * work does not compile:
 * - a TcpSocket from tcpConnect or accept is a `TcpSocket<IpAddress>`:
 *   its `remote` is an IpAddress, never null (detach() keeps that);
 *   happyEyeballs and tcpFromFd, which cannot know the peer, give a
 *   `TcpSocket<null>`, and a plain `TcpSocket` is either;
 * - `d.channel({})` without a message size is a compile error (it used to
 *   compile, then fail at the first recv), and a JavaScript caller that
 *   leaves it out gets a TypeError at once; `d.channel<T>()` without
 *   options is a channel of values of type T (ValueChannel<T>): sending
 *   another type does not compile, and `d.choose` gives the type of what
 *   the clause that ran received.
 *
 * Small programs are compiled against dist/index.d.ts with the TypeScript
 * compiler API (strict); each line that must not compile is tagged with the
 * error it must give, and those are the only errors. Then the same calls
 * run.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { IpAddress, TcpSocket, Channel, ValueChannel } from '../dist/index';
import { loadInstance, d, dir, useTempDir } from './instance';

loadInstance();
useTempDir('types');

const ROOT = path.resolve(__dirname, '..');
const INDEX = path.join(ROOT, 'dist', 'index');

/** The errors compiling `source` gives: `line:TScode`, lines counted from 1. */
function compileErrors(name: string, source: string): string[] {
  const file = path.join(dir, `${name}.ts`);
  fs.writeFileSync(file, source.replace('LIBDILL', JSON.stringify(INDEX)));
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, types: ['node'],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((diag) => {
    if (!diag.file || diag.file.fileName !== file) {
      return `elsewhere:TS${diag.code} ${ts.flattenDiagnosticMessageText(diag.messageText, ' ')}`;
    }
    const { line } = diag.file.getLineAndCharacterOfPosition(diag.start!);
    return `${line + 1}:TS${diag.code}`;
  });
}

/** The `// error TSnnnn` tags of `source`, as compileErrors reports them. */
function tagged(source: string): string[] {
  return source.split('\n').flatMap((l, i) => {
    const m = /\/\/ error (TS\d+)/.exec(l);
    return m ? [`${i + 1}:${m[1]}`] : [];
  });
}

const COMPILES = `
import { Dill, IpAddress, TcpSocket, TcpListener, Channel, ValueChannel } from LIBDILL;
class Point { constructor(readonly x: number) {} }
export async function main(d: Dill, addr: IpAddress, ls: TcpListener): Promise<void> {
  const sock = await d.tcpConnect(addr);
  const r: IpAddress = sock.remote;
  const port: number = sock.remote.port;
  const accepted = await ls.accept();
  const peer: IpAddress = accepted.remote;
  for await (const conn of ls) { const p: IpAddress = conn.remote; }
  const back = await sock.attachPrefix(4).detach();
  const kept: IpAddress = back.remote;
  const made = new TcpSocket(d, 1, addr);
  const known: IpAddress = made.remote;
  const he = await d.happyEyeballs('localhost', 80);
  const none: null = he.remote;
  const either: TcpSocket[] = [sock, he, d.tcpFromFd(3), new TcpSocket(d, 1)];
  const maybe: IpAddress | null = either[0].remote;
  const [a, b]: [Channel, Channel] = d.channel({ messageSize: 8 });
  const size: number = a.messageSize!;
  const [pa, pb]: [ValueChannel<Point>, ValueChannel<Point>] = d.channel<Point>();
  await pa.send(new Point(1));
  const pt: Point = await pb.recv();
  for await (const q of pb) { const x: number = q.x; void x; }
  const [anyA] = d.channel();
  await anyA.send('anything');
  const chosen = await d.choose([{ in: pb }, { in: b }, { out: pa, value: new Point(2) }, { out: a, data: new Uint8Array(8) }], { timeout: 10 });
  if (chosen.index === 0) { const v: Point = chosen.value; void v; }
  if (chosen.index === 1) { const v: Uint8Array = chosen.value; void v; }
  if (chosen.index === 2) { const v: undefined = chosen.value; void v; }
  await d.ipcListen('/tmp/x.sock', { unlinkOnClose: true, backlog: 5 });
  void [r, port, peer, kept, known, none, maybe, b, size, pt];
}
`;

const FAILS = `
import { Dill, IpAddress, TcpSocket, Channel, ValueChannel } from LIBDILL;
export async function main(d: Dill, addr: IpAddress): Promise<void> {
  const [a, b] = d.channel<number>();
  await a.send('one'); // error TS2345
  const s1: string = await b.recv(); // error TS2322
  const [c] = d.channel({ messageSize: 4 });
  const vc: ValueChannel<number> = c; // error TS2741
  const bc: Channel = a; // error TS2741
  await d.choose([{ out: a, value: 'one' }]); // error TS2322
  const chosen = await d.choose([{ in: b }, { in: c }]);
  if (chosen.index === 0) { const v: string = chosen.value; void v; } // error TS2322
  d.channel({}); // error TS2345
  d.channel({ size: 4 }); // error TS2353
  const he = await d.happyEyeballs('localhost', 80);
  const r: IpAddress = he.remote; // error TS2322
  const s: TcpSocket = await d.tcpConnect(addr);
  const r2: IpAddress = s.remote; // error TS2322
  const fd = d.tcpFromFd(3);
  const r3: IpAddress = fd.remote; // error TS2322
  const lie = new TcpSocket<IpAddress>(d, 1); // error TS2554
  await d.ipcListen('/tmp/x.sock', { unlinkOnClose: 'yes' }); // error TS2322
  void [s1, vc, bc, r, r2, r3, lie];
}
`;

describe('the published types say what a call guarantees', () => {
  test('a connected TcpSocket\'s remote is an IpAddress; d.channel({ messageSize }) and d.channel<T>() compile', () => {
    expect(compileErrors('compiles', COMPILES)).toEqual([]);
  });

  test('d.channel({}) without a message size, a value of another type on a ValueChannel, and a remote that may be null taken as an IpAddress, do not compile', () => {
    const expected = tagged(FAILS);
    expect(expected).toHaveLength(13);
    expect(compileErrors('fails', FAILS)).toEqual(expected);
  });
});

describe('and the values are what the types say', () => {
  test('tcpConnect and accept give the peer\'s address; happyEyeballs gives null', async () => {
    using ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));
    const accepting = ls.accept({ deadline: d.now() + 5000 });
    using c = await d.tcpConnect(ls.address!, { deadline: d.now() + 5000 });
    using s = await accepting;
    expect(c.remote).toBeInstanceOf(IpAddress);
    expect(c.remote.equals(ls.address!)).toBe(true);
    expect(s.remote).toBeInstanceOf(IpAddress);
    expect(s.remote.address).toBe('127.0.0.1');
    expect(s.remote.port).toBeGreaterThan(0);
    expect(s.remote.port).not.toBe(ls.port);

    const accepting2 = ls.accept({ deadline: d.now() + 5000 });
    using h = await d.happyEyeballs('127.0.0.1', ls.port, { deadline: d.now() + 5000 });
    using s2 = await accepting2;
    expect(h).toBeInstanceOf(TcpSocket);
    expect(h.remote).toBeNull();
    expect(s2.remote).toBeInstanceOf(IpAddress);
  });

  test('a TcpSocket constructed without a remote has null; a remote that is no IpAddress is a TypeError', () => {
    const [a] = d.ipcPair();
    // Only to check the constructor's argument: the handle is an IPC socket's.
    expect(new TcpSocket(d, a.handle).remote).toBeNull();
    expect(() => new TcpSocket(d, a.handle, '127.0.0.1:80' as unknown as IpAddress)).toThrow(TypeError);
    a.close();
  });

  test('d.channel() called from JavaScript with options but no size throws a TypeError at once; without options it is a value channel', () => {
    const channel = d.channel.bind(d) as (opts?: unknown) => [Channel, Channel];
    expect(() => channel({})).toThrow(/messageSize/);
    expect(() => channel(null)).toThrow(TypeError);
    expect(() => channel({ messageSize: -1 })).toThrow(TypeError);
    expect(() => channel({ messageSize: 1.5 })).toThrow(TypeError);
    const [a, b] = d.channel({ messageSize: 0 });
    expect(a.messageSize).toBe(0);
    expect(b.messageSize).toBe(0);
    a.close();
    b.close();
    const [va, vb] = channel();
    expect(va).toBeInstanceOf(ValueChannel);
    expect(vb).toBeInstanceOf(ValueChannel);
    va.close();
    vb.close();
  });
});
