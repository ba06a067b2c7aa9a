/**
 * Shared helpers for the jest suites: compile C programs with dillcc and run
 * them; promises, bytes and text; what a call throws or rejects with.  The
 * library instance a test file works on, and the pairs made with it, are in
 * instance.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import * as dgram from 'dgram';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import { DillError } from '../dist/index';

export const ROOT = path.resolve(__dirname, '..');
export const DILLCC = path.join(ROOT, 'bin', 'dillcc.js');
export const CONFORMANCE = path.join(ROOT, 'bin', 'dill-conformance.js');

/** The built package's CommonJS entry, for scripts run in a child process. */
export const PACKAGE_INDEX = path.join(ROOT, 'dist', 'index.js');

/**
 * Runs `body` in an async function in a child Node process, after
 * `prelude` (which requires the package: PACKAGE_INDEX), and `tail` after
 * the function's call; its outcome and how long it took.
 */
export function runPackageScript(body: string, prelude: string, tail = ';') {
  const src = `${prelude}\n(async () => {\n${body}\n})()${tail}`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 20000 });
  return { ...r, ms: Date.now() - t0 };
}

export function tmpdir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dill-${prefix}-`));
}

/**
 * A preload (`node -r FILE`) that counts a C program's reads of sockets
 * from the kernel (the shim's fs.readSync on a socket's descriptor; the
 * .wasm file is read with it too, and its descriptor's number is used
 * again) and writes the count to the file named by READS_FILE at exit.
 */
export function socketReadCounter(dir: string): string {
  const file = path.join(dir, 'count-socket-reads.js');
  fs.writeFileSync(file, `
    const fs = require('fs');
    const readSync = fs.readSync;
    let n = 0;
    fs.readSync = function (fd) {
      if (fs.fstatSync(fd).isSocket()) n++;
      return readSync.apply(this, arguments);
    };
    process.on('exit', () => fs.writeFileSync(process.env.READS_FILE, String(n)));
  `);
  return file;
}

export interface Run { status: number | null; stdout: string; stderr: string }

export function node(args: string[], opts: { cwd?: string; timeout?: number } = {}): Run {
  const r = spawnSync(process.execPath, args, {
    cwd: opts.cwd, encoding: 'utf8', timeout: opts.timeout ?? 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Write `source` to DIR/name.c and compile it to DIR/name.js with dillcc. */
export function compile(dir: string, name: string, source: string, extra: string[] = []): string {
  const c = path.join(dir, `${name}.c`);
  fs.writeFileSync(c, source);
  const js = path.join(dir, `${name}.js`);
  const r = node([DILLCC, c, '-o', js, ...extra]);
  if (r.status !== 0) throw new Error(`dillcc failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return js;
}

/** Compiles the C program test/peers/NAME.c with dillcc to DIR/NAME.js. */
export function compilePeer(dir: string, name: string, extra: string[] = []): string {
  return compile(dir, name, fs.readFileSync(path.join(__dirname, 'peers', `${name}.c`), 'utf8'), extra);
}

/** How a process started by `start` ended: exit code (null if killed) and all it wrote. */
export interface Result { code: number | null; out: string; err: string }

/** A process started by `start`. */
export interface Started {
  child: ChildProcess;
  /** Resolves at the child's 'close' with its exit code and everything it wrote. */
  done: Promise<Result>;
  /**
   * Resolves with the match once stdout so far matches `re` (polled every
   * 10 ms); rejects, showing the output, if the process ends first.
   */
  line(re: RegExp): Promise<RegExpMatchArray>;
}

/**
 * Spawns `cmd args` (e.g. process.execPath and a program compiled by
 * `compile`, or curl), collecting its stdout and stderr as text, and adds it
 * to `children` so that an afterEach can `killAll(children)`.
 */
export function start(children: ChildProcess[], cmd: string, args: string[]): Started {
  const child = spawn(cmd, args);
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const done = new Promise<Result>((resolve) => {
    child.on('close', (code) => resolve({ code, out, err }));
  });
  const line = async (re: RegExp): Promise<RegExpMatchArray> => {
    let ended = false;
    done.then(() => { ended = true; });
    for (;;) {
      const m = out.match(re);
      if (m) return m;
      if (ended) throw new Error(`${cmd} ended without ${re}: ${out}${err}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { child, done, line };
}

/** Kills those of `children` still running (SIGTERM) and empties the list: for afterEach. */
export function killAll(children: ChildProcess[]): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill();
}

/** The DillError `fn` throws (fails the test if it returns or throws anything else). */
export function failureSync(fn: () => unknown): DillError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DillError);
    return e as DillError;
  }
  throw new Error('did not fail');
}

/** The DillError `p` rejects with (fails the test if it resolves or throws anything else). */
export async function failure(p: Promise<unknown>): Promise<DillError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DillError);
    return e as DillError;
  }
  throw new Error('expected a DillError, the promise resolved');
}

/** What `fn` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): any {
  try { fn(); } catch (e) { return e; }
  throw new Error('did not throw');
}

/** A promise and the function that resolves it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

/** True if `p` has not settled after `ms`. */
export async function stillPending(p: Promise<unknown>, ms = 30): Promise<boolean> {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  await new Promise((r) => setTimeout(r, ms));
  return !settled;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bytes 0..n-1 following a pattern (so misplaced or lost bytes show). */
export function pattern(n: number, mul: number, add: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * mul + add) & 255;
  return b;
}

/** UTF-8 bytes of `s`. */
export const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
/** `b` as UTF-8 text. */
export const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
/** The NUL-terminated text in `b`. */
export const cstr = (b: Uint8Array): string => text(b.subarray(0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)));

/** A Node TCP server on loopback; resolves once listening. */
export function nodeServer(onConn: (sock: net.Socket) => void, host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer({ allowHalfOpen: true }, onConn);
    srv.once('error', reject);
    srv.listen(0, host, () => resolve(srv));
  });
}

/** A Node UDP socket bound on loopback. */
export function nodeUdp(type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(type);
    s.once('error', reject);
    s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => resolve(s));
  });
}

/**
 * C source of `int connect_argv(char **argv)`: a connection to the Node
 * server runAgainstNodeServer gives the program, `ipc PATH` or `tcp PORT`
 * (127.0.0.1) in argv[1] and argv[2]; -1 with errno on failure.
 */
export const C_CONNECT_ARGV = `
    static int connect_argv(char **argv) {
        if(strcmp(argv[1], "ipc") == 0) return ipc_connect(argv[2], now() + 5000);
        struct ipaddr a;
        if(ipaddr_remote(&a, "127.0.0.1", atoi(argv[2]), IPADDR_IPV4, -1) != 0) return -1;
        return tcp_connect(&a, now() + 5000);
    }`;

/**
 * Runs the compiled C program `prog` (with node's `nodeArgs` and
 * `env`) against a Node server over a unix socket in `dir` or TCP on
 * 127.0.0.1, as `prog ipc PATH|tcp PORT ...args` (see C_CONNECT_ARGV);
 * `onConn` gets the server's side of the one connection. Resolves once the
 * program has exited and that connection has closed.
 */
export async function runAgainstNodeServer(dir: string, proto: 'ipc' | 'tcp', prog: string, args: string[],
  onConn: (c: net.Socket) => void, opts: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stderr: string }> {
  let closed!: () => void;
  const connClosed = new Promise<void>((resolve) => { closed = resolve; });
  const server = net.createServer({ allowHalfOpen: true }, (c) => {
    c.on('close', () => closed());
    onConn(c);
  });
  const sockPath = path.join(dir, `s${Math.random().toString(36).slice(2)}.sock`);
  await new Promise<void>((resolve) => (proto === 'ipc' ? server.listen(sockPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  const where = proto === 'ipc' ? sockPath : String((server.address() as net.AddressInfo).port);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), prog, proto, where, ...args], { env: opts.env ?? process.env });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  await connClosed;
  server.close();
  return { status, stderr };
}

/** `n` 8-byte messages "0000000;", "0000001;"... as one string. */
export function messages(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `${String(i).padStart(7, '0')};`;
  return s;
}
