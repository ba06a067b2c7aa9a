/**
 * Under a flood, a UDP receive that does not ask for the sender's address
 * reads the next datagram from the kernel directly once the datagrams Node
 * delivered are taken (wasm/shim/udp.js, DillUdp.direct): one system call
 * where Node's delivery costs a turn of the event loop, a Buffer and an
 * object per datagram. What the program sees stays as before: every
 * datagram whole and in order, mixed with receives that ask for the sender
 * (those take Node's path), empty ones empty, one longer than the buffer
 * EMSGSIZE with the next one intact. The program is the corpus's
 * udp-bursts-... with its too-long datagrams on; its reads from UDP
 * sockets are counted by wrapping fs.readSync in its process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compile, tmpdir, socketReadCounter } from './helpers';
import { spawnSync } from 'child_process';

let dir: string;
let prog: string;
let counter: string;

beforeAll(() => {
  dir = tmpdir('udpdirect');
  const src = fs.readFileSync(path.join(__dirname, 'conformance',
    'udp-bursts-arrive-whole-and-in-order-with-or-without-the-sender-asked.c'), 'utf8');
  prog = compile(dir, 'bursts', `#define TOO_LONG 1\n${src}`);
  counter = socketReadCounter(dir);
});

afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

test('bursts of 100 datagrams arrive whole and in order, many read from the kernel directly', () => {
  const readsFile = path.join(dir, 'reads');
  const r = spawnSync(process.execPath, ['-r', counter, prog], {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, READS_FILE: readsFile },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  // 2000 datagrams: 54 empty, 37 too long, 196 received asking for their sender.
  expect(r.stdout).toMatch(/^2000 datagrams in order: 54 empty, 37 too long, 196 with their sender/);
  // Node reads up to 32 a turn; of the rest of each burst, those received
  // without their sender are read directly (about 370 here).
  expect(+fs.readFileSync(readsFile, 'utf8')).toBeGreaterThan(200);
});
