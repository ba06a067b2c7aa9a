/**
 * HTTP heads between a wasm C program (tcp_connect/tcp_accept + http_attach)
 * and Node's http module, which we did not write, on 127.0.0.1:
 *
 * - C client -> Node http server: request line, fields, status and reason
 *   as each side sees them, and the body read raw after http_detach;
 * - the same with "Expect: 100-continue": Node's interim 100 response, the
 *   body sent raw between two http_attach/http_detach rounds, then the
 *   final response;
 * - Node http client (agent: false, so no keep-alive) -> C server: a POST
 *   whose body the server reads raw after http_detach, and a response whose
 *   body it writes raw after http_detach.
 *
 * The C program is test/peers/http-peer.c.
 */
import * as fs from 'fs';
import * as http from 'http';
import { ChildProcess } from 'child_process';
import { compilePeer, killAll, start, tmpdir } from './helpers';

let dir: string;
let prog: string;

beforeAll(() => {
  dir = tmpdir('http');
  prog = compilePeer(dir, 'http-peer');
}, 120000);

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const children: ChildProcess[] = [];
afterEach(() => killAll(children));

const runProgram = (args: string[]) => start(children, process.execPath, [prog, ...args]);

/** A Node http server on 127.0.0.1 answering every request with `handler`. */
async function nodeServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

/** The program's "field" lines, without the Date (it changes). */
const fieldLines = (out: string) => out.split('\n').filter((l) => l.startsWith('field ') && !l.startsWith('field Date:'));

test('C http client -> Node http server: request line, fields, status, reason, body after http_detach', async () => {
  let seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; raw?: string[]; version?: string } = {};
  const { server, port } = await nodeServer((req, res) => {
    seen = { method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, version: req.httpVersion };
    res.writeHead(404, 'Not Here, Sorry', { 'Content-Type': 'text/plain', 'Content-Length': '13', 'X-Server': 'node' });
    res.end('no such thing');
  });
  try {
    const r = await runProgram(['get', String(port)]).done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/path/to?q=1&r=%20');
    expect(seen.version).toBe('1.1');
    // Node trims the value's surrounding whitespace, as RFC 7230 says.
    expect(seen.raw).toEqual(['Host', '127.0.0.1', 'X-Test', 'some value', 'Connection', 'close']);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('status 404 Not Here, Sorry');
    expect(fieldLines(r.out)).toEqual([
      'field Content-Type: text/plain', 'field Content-Length: 13', 'field X-Server: node', 'field Connection: close',
    ]);
    expect(r.out).toMatch(/\nfield Date: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT\n/);
    expect(r.out.endsWith('body no such thing\n')).toBe(true);
  } finally {
    server.close();
  }
}, 30000);

test('C http client -> Node http server with Expect: 100-continue: interim 100, raw body between two attaches, final response', async () => {
  let got = '';
  const { server, port } = await nodeServer((req, res) => {
    req.setEncoding('utf8');
    req.on('data', (d) => { got += d; });
    req.on('end', () => {
      res.writeHead(201, 'Stored', { 'Content-Length': String(got.length + 4) });
      res.end(`got ${got}`);
    });
  });
  try {
    const r = await runProgram(['continue', String(port)]).done;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(got).toBe('hello world');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('status 100 Continue');
    expect(lines[1]).toBe('status 201 Stored');
    expect(fieldLines(r.out)).toEqual(['field Content-Length: 15', 'field Connection: close']);
    expect(r.out.endsWith('body got hello world\n')).toBe(true);
  } finally {
    server.close();
  }
}, 30000);

test('Node http client (no keep-alive) -> C http server: request, fields and body in, status, reason, fields and body out', async () => {
  const p = runProgram(['serve']);
  const port = +(await p.line(/listening (\d+)\n/))[1];
  const response = await new Promise<{ status?: number; reason?: string; raw: string[]; body: string }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/upload?name=a%20b', agent: false,
      headers: { 'X-Custom': 'abc', 'Content-Type': 'text/plain', 'Content-Length': 5 },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, reason: res.statusMessage, raw: res.rawHeaders, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end('hello');
  });
  const r = await p.done;
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(response).toEqual({
    status: 202, reason: 'Accepted, Thanks', body: 'the response body!',
    raw: ['Content-Type', 'text/plain', 'Content-Length', '18', 'X-Reply', 'yes'],
  });
  expect(r.out).toBe([
    `listening ${port}`,
    'request POST /upload?name=a%20b',
    'field X-Custom: abc',
    'field Content-Type: text/plain',
    'field Content-Length: 5',
    `field Host: 127.0.0.1:${port}`,
    'field Connection: close',
    'body hello',
    '',
  ].join('\n'));
}, 30000);
