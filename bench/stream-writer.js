#!/usr/bin/env node
/**
 * The writer of the streaming benchmark (bench/ts-streams.js), another
 * process: raw Node net, listening on a unix socket (argv[2] a path) or on
 * TCP 127.0.0.1 (argv[2] "tcp"); prints "ready [port]", then sends argv[3]
 * MiB in 64 KiB writes to the one connection as fast as it takes them
 * (waiting for 'drain' when write() says so), ends it and exits.
 */
'use strict';
const net = require('net');

const where = process.argv[2];
const total = +process.argv[3] * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 7);

const server = net.createServer((sock) => {
  server.close();
  let sent = 0;
  const more = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!sock.write(chunk)) { sock.once('drain', more); return; }
    }
    sock.end();
  };
  sock.on('error', () => {});
  more();
});
if (where === 'tcp') server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
else server.listen(where, () => console.log('ready'));
