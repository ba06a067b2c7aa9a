// An IPC server and client in one program, with the C-faithful API.
// The client sends words, the server answers each in upper case; then the
// client half-closes its side with ipc_done and the server's next brecv
// fails with EPIPE.  Run it with `make example-ts`.
import { load } from 'libdill-wasm';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

async function main(): Promise<void> {
  const dill = await load();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dill-example-'));
  const addr = path.join(dir, 'upper.sock');

  // A Promise although C's ipc_listen does not block: Node reports bind
  // errors asynchronously.
  const ls = await dill.ipc_listen(addr, 10);
  if (ls < 0) throw new Error(`ipc_listen: ${dill.strerror(dill.errno)}`);

  // The server: a coroutine (an async function run by go()).
  const server = dill.go(async () => {
    const s = await dill.ipc_accept(ls, -1);
    if (s < 0) throw new Error(`ipc_accept: ${dill.strerror(dill.errno)}`);
    const msg = new Uint8Array(5);
    // brecv fills the whole buffer or fails.
    while (await dill.brecv(s, msg, msg.length, -1) === 0) {
      const reply = Buffer.from(Buffer.from(msg).toString().toUpperCase());
      await dill.bsend(s, reply, reply.length, -1);
    }
    // errno is this coroutine's own.
    console.log(`server: brecv = -1, errno ${dill.errno === dill.EPIPE ? 'EPIPE' : dill.errno}`);
    console.log(`server: ipc_close = ${await dill.ipc_close(s, -1)}`);
  });

  // The client, here at the top level.
  const c = await dill.ipc_connect(addr, dill.now() + 1000);
  if (c < 0) throw new Error(`ipc_connect: ${dill.strerror(dill.errno)}`);
  for (const word of ['hello', 'world']) {
    await dill.bsend(c, Buffer.from(word), 5, -1);
    const reply = new Uint8Array(5);
    await dill.brecv(c, reply, reply.length, -1);
    console.log(`client: ${word} -> ${Buffer.from(reply).toString()}`);
  }
  // Done sending: the server reads what is left, then gets EPIPE.
  console.log(`client: ipc_done = ${await dill.ipc_done(c, -1)}`);
  // Nothing more comes from the server either.
  const rc = await dill.brecv(c, new Uint8Array(1), 1, dill.now() + 1000);
  console.log(`client: brecv = ${rc}, errno ${dill.errno === dill.EPIPE ? 'EPIPE' : dill.errno}`);
  console.log(`client: ipc_close = ${await dill.ipc_close(c, -1)}`);

  await dill.bundle_wait(server, -1);   // the server coroutine has finished
  dill.hclose(server);                  // (would cancel it if it had not)
  dill.hclose(ls);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
