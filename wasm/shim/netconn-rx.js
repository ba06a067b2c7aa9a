/**
 * libdill-wasm: how a DillNetConn (netconn.js) receives, an Emscripten JS
 * library (methods netconn.js puts on the class).  Node reads from the
 * kernel only while the program waits for input, into buffers of ours
 * (net's `onread`), and stops soon after; otherwise bytes stay in the
 * kernel, where the program's own reads take them directly, and where
 * closing with unread data resets the peer as natively.
 */
mergeInto(LibraryManager.library, {
  $DillNetConnRx__deps: ['$DillEndpoint', '$DillNet', '$DillBuffers', '$DillKernel', '$DillNodeInternals'],
  $DillNetConnRx: {
    /**
     * A net.Socket for this connection, on tcp_wrap/pipe_wrap `handle` or
     * connecting to unix `path`, that reads into our buffers.
     */
    nodeSocket: function(handle, path) {
      var conn = this;
      var o = {
        allowHalfOpen: true, readable: true, writable: true, pauseOnCreate: true,
        onread: {
          buffer: function() { return conn.rxBuffer(); },
          callback: function(n, buf) { return conn.received(n, buf); },
        },
      };
      if (handle) {
        o.handle = handle;
        return new (require('net').Socket)(o);
      }
      o.path = path;
      var sock = require('net').connect(o);
      // Paused, Node does not start reading once connected: bytes that
      // come before the program asks stay in the kernel, where closing
      // with them unread resets the peer, as natively (wantData reads).
      sock.pause();
      return sock;
    },
    rxBuffer: function() {
      if (!this.rxbuf) this.rxbuf = DillBuffers.rxBuffer();
      return this.rxbuf;
    },
    /**
     * The first n bytes of buf, our receive buffer, as a chunk for the
     * receive queue: the buffer itself when large (a fresh one is taken
     * for the next read), else a copy (buf is read into again).
     */
    rxChunk: function(n, buf) {
      if (n > DillBuffers.RX_COPY_MAX) {
        this.rxbuf = null;
        return buf.subarray(0, n);
      }
      var chunk = new Uint8Array(n);
      // Byte by byte for a few: a subarray to copy from costs more.
      if (n <= 16) for (var i = 0; i < n; i++) chunk[i] = buf[i];
      else chunk.set(buf.subarray(0, n));
      return chunk;
    },
    /** Node read n bytes into buf; false stops its reading. */
    received: function(n, buf) {
      var chunk = this.rxChunk(n, buf);
      // Before the bytes are delivered (the program may run at once):
      // data came, and a large read suggests a stream in full flow, to
      // be read from the kernel directly again (see read()).
      this.missed = 0;
      if (n >= DillKernel.SPECULATE_MIN) this.speculate = true;
      // (A parked receive waits through onChange: it counts as wanting.)
      var parked = this.parked !== null;
      var wanted = this.readWanted();
      this.deliver(chunk);
      if (this.rxlen >= DillNet.HIGH) return false;
      // Bytes nobody waited for: Node stops reading at once.
      if (!wanted) return false;
      if (this.readWanted()) return true;
      // A brecv from TypeScript waiting in JS took them (src/host/fastio.ts):
      // on TCP Node keeps reading, as the next one usually comes soon
      // (a microtask round per receive to find out costs more than the
      // rest of its trip).  Bytes that come before it stop the reading
      // (above); left unread at close, they reset the connection, as
      // natively (close()).  A unix socket cannot reset its peer so:
      // it stops reading unless the program asks again at once.
      if (parked && this.tcp) return true;
      this.stopSoon();
      return true;
    },
    /**
     * Stop Node's reading unless the program asks for input again by
     * the end of this callback's microtasks and of the ticks they queue (a
     * TypeScript caller's next brecv comes from a promise continuation, a
     * Node stream's next read from a process.nextTick).  Until then libuv
     * reads nothing more: keeping it reading costs nothing, while each
     * readStop/readStart pair costs two epoll_ctl calls.  The check runs
     * as a microtask (after the ones queued before it), which queues a
     * tick (it runs after the microtasks have drained), which queues
     * another (it runs after the ticks they queued).
     */
    stopSoon: function() {
      if (this.stopping) return;
      this.stopping = true;
      var self = this, hops = 0;
      var check = function() {
        if (!self.readWanted() && !self.closed && ++hops < 4) {
          if (hops === 1) DillNet.hop(check);
          else process.nextTick(check);
          return;
        }
        self.stopping = false;
        if (!self.readWanted()) self.readStop();
      };
      check();
    },
    readStop: function() {
      DillNodeInternals.setReading(this.sock, false);
    },
    release: function(c) { DillBuffers.rxRelease(c); },
    read: function(buffer, offset, length) {
      if (this.connecting) return -{{{ cDefine('EAGAIN') }}};
      if (this.failed) return -{{{ cDefine('ENOTCONN') }}};
      // Nothing buffered: read the kernel's bytes straight into wasm
      // memory rather than waiting for Node's next 'data' event.  Node
      // delivers what it read before we run, so the order is kept.
      //
      // A read that finds nothing costs about 5 us (Node throws EAGAIN
      // as an exception), more than the rest of a small message's trip.
      // So after one has found nothing, the next read waits for Node's
      // 'data' instead (request/response traffic), until a large chunk
      // shows a stream in full flow again.  A caller that gets EAGAIN
      // and asks again without waiting is read for directly, so a
      // program polling with non-blocking reads still sees its data.
      if (this.rxlen === 0 && length > 0 && !this.eof && !this.reset && !this.shutRd &&
          (this.speculate || this.missed > 0)) {
        var fd = this.osFd();
        if (fd >= 0) {
          try {
            // On TCP a small read takes whatever the kernel has, up to
            // our receive buffer's size, and queues what was not asked
            // for: one system call for many small messages, as native
            // libdill's receive buffer does.  Bytes left unread at close
            // still reset the connection (close()).  Not on a unix
            // socket: there only bytes left in the kernel reset the peer.
            var ahead = this.tcp !== null && length < DillNet.READ_AHEAD_MAX;
            var into = ahead ? this.rxBuffer() : buffer;
            var k = DillKernel.io(DillKernel.fs.readSync, fd, into,
              ahead ? 0 : offset, ahead ? into.length : length);
            this.missed = 0;
            if (k === 0) {
              this.eof = true;
              return 0;
            }
            if (!ahead) return k;
            this.deliver(this.rxChunk(k, into));
            return DillEndpoint.prototype.read.call(this, buffer, offset, length);
          } catch (e) {
            // EAGAIN: nothing yet.  The kernel reports an error once, so
            // it is ours to record.
            if (e.code !== 'EAGAIN') this.lost(DillNet.err(e.code));
            else this.speculate = false;
          }
        }
      }
      var n = DillEndpoint.prototype.read.call(this, buffer, offset, length);
      if (n === -{{{ cDefine('EAGAIN') }}}) this.missed++;
      return n;
    },
    /** Somebody waits for input (the C poller, or a blocking call). */
    readWanted: function() {
      return (this.watch & DillNet.IN) !== 0 || this.waiters.length > 0;
    },
    /** Let Node read (and so tell us of input) while there is room. */
    wantData: function() {
      var s = this.sock;
      if (!s || this.rxlen >= DillNet.HIGH || s.connecting) return;
      DillNodeInternals.setReading(s, true);
    },
    onChange: function(cb) {
      this.waiters.push(cb);
      this.wantData();
    },
    consumed: function() {
      if (this.readWanted()) this.wantData();
    },
  },
});
