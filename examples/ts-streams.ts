// Streaming with the idiomatic layer: a TCP server that gzips what each
// client sends, written with Node's stream.pipeline over the socket's Duplex,
// and a client that writes and reads the socket as web streams.
// Run it with `make example-streams`.
import { Dill } from 'libdill-wasm';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';

async function main(): Promise<void> {
  const d = await Dill.load();
  const ls = await d.tcpListen(d.ipLocal('127.0.0.1', 0));

  // The server: each connection's bytes go through gzip and back. The
  // Duplex stays half-open after the client's done() (allowHalfOpen), so
  // that gzip's last bytes still go out; the pipeline's end is our done(),
  // and the socket closes once both directions are over.
  const server = d.go(async () => {
    for await (const conn of ls) {
      const duplex = conn.toNodeStream({ allowHalfOpen: true });
      pipeline(duplex, zlib.createGzip(), duplex).catch((e) => console.error('server:', e));
    }
  });

  // The client: writes through socket.writable (closing it is done()),
  // reads socket.readable to its end (the server's done()).
  const s = await d.tcpConnect(d.ipLocal('127.0.0.1', ls.port));
  const writer = s.writable.getWriter();
  for (const line of ['streams ', 'at ', "Node's ", 'speed\n']) await writer.write(Buffer.from(line.repeat(1000)));
  await writer.close();
  const chunks: Uint8Array[] = [];
  for await (const chunk of s.readable) chunks.push(chunk);
  const text = zlib.gunzipSync(Buffer.concat(chunks)).toString();
  console.log(`${Buffer.concat(chunks).length} gzipped bytes came back, ${text.length} bytes unzipped: ${text.slice(0, 16)}...`);

  s.close();
  ls.close();
  await server.wait();
}

main().catch((e) => { console.error(e); process.exit(1); });
