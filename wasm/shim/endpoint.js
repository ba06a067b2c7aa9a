/**
 * libdill-wasm: DillEndpoint, the base of every connected endpoint (an
 * Emscripten JS library): a receive queue filled by the peer, and the
 * half-close and error state of a stream socket.  Its kinds: DillLocalEnd
 * (local.js) and DillNetConn (netconn.js).  What src/host/fastio.ts calls on it
 * is in fastio.js.
 */
mergeInto(LibraryManager.library, {
  $dillEndpointClass__deps: ['$DillWaitable', '$DillFastIo', '$dillMixin', '$DillNet', '$DillFds', '$DILL_C'],
  $dillEndpointClass: function() {
    var IN = DillNet.IN;
    var EAGAIN = {{{ cDefine('EAGAIN') }}}, EPIPE = {{{ cDefine('EPIPE') }}};
    var EBADF = {{{ cDefine('EBADF') }}};
    class Endpoint extends DillWaitable {
      constructor() {
        super();
        this.rx = [];           // queued chunks (Uint8Array)
        this.rxoff = 0;         // consumed bytes of rx[0]
        this.rxlen = 0;         // unconsumed bytes in rx
        this.eof = false;       // the peer shut down its sending side
        this.reset = 0;         // pending connection error (ECONNRESET...)
        this.broken = 0;        // errno for writes: the peer cannot receive
        this.shutRd = false;    // shutdown(SHUT_RD) done here
        this.shutWr = false;    // shutdown(SHUT_WR) done here
        this.closed = false;
        this.canRead = true;    // false for the write end of a pipe
        this.canWrite = true;   // false for the read end of a pipe
      }
      /** Queue bytes for the reader (called by the peer or the network). */
      deliver(chunk) {
        this.rx.push(chunk);
        this.rxlen += chunk.length;
        this.changed(IN);
      }
      readReady() {
        return this.rxlen > 0 || this.eof || this.reset !== 0 || this.shutRd;
      }
      pollMask() {
        var m = 0;
        if (this.canRead && this.readReady()) m |= DILL_C.POLLIN;
        if (this.canWrite && this.writeReady()) m |= DILL_C.POLLOUT;
        // An error not yet reported, as the kernel's pending socket error
        // (a send that failed before does not count: a receiver waiting
        // for input would wake to find nothing, and wait again at once).
        if (this.reset) m |= DILL_C.POLLERR;
        if ((this.eof || this.shutRd) && (this.shutWr || this.broken))
          m |= DILL_C.POLLHUP;
        return m;
      }
      /** Copy up to `length` received bytes; -EAGAIN if none yet. */
      read(buffer, offset, length) {
        if (!this.canRead) return -EBADF;
        if (this.rxlen === 0 || this.shutRd) {
          if (this.shutRd || this.eof) return 0;
          if (this.reset) {
            var e = this.reset;
            this.reset = 0;
            this.eof = true;
            return -e;
          }
          return length === 0 ? 0 : -EAGAIN;
        }
        var n = 0;
        while (n < length && this.rx.length) {
          var c = this.rx[0];
          if (c.fds) {
            // Descriptors arrive with their first byte, one batch per call.
            if (n > 0) break;
            // recvmsg takes them; a plain read drops them, as natively.
            if (this.wantFds) this.takenFds = c.fds;
            else DillFds.releaseHeld(c.fds);
            c.fds = null;
          }
          var k = Math.min(length - n, c.length - this.rxoff);
          // A few bytes one by one: a subarray to copy from costs more.
          if (k <= 16) {
            for (var j = 0; j < k; j++) buffer[offset + n + j] = c[this.rxoff + j];
          } else {
            buffer.set(c.subarray(this.rxoff, this.rxoff + k), offset + n);
          }
          n += k;
          this.rxoff += k;
          if (this.rxoff === c.length) {
            this.rx.shift();
            this.rxoff = 0;
            this.release(c);
          }
        }
        this.rxlen -= n;
        this.consumed();
        return n;
      }
      /** A chunk of the receive queue was consumed. */
      release(c) {}
      /** Copy received bytes without consuming them (MSG_PEEK). */
      peek(buffer, offset, length) {
        var n = 0, first = this.rxoff;
        for (var i = 0; i < this.rx.length && n < length; i++) {
          var c = this.rx[i];
          var k = Math.min(length - n, c.length - first);
          buffer.set(c.subarray(first, first + k), offset + n);
          n += k;
          first = 0;
        }
        return n;
      }
      /** Send bytes to the peer; -EAGAIN when its buffer is full. */
      write(buffer, offset, length) {
        if (!this.canWrite) return -EBADF;
        if (this.shutWr) return -EPIPE;
        if (this.reset) {
          this.broken = EPIPE;
          // AF_UNIX (and pipes): the send fails with EPIPE and the reset
          // waits for the next receive.  TCP: the send reports the reset,
          // once; the connection is closed, so receiving then meets the
          // end of the stream (it waited for input forever before: reads
          // found nothing while poll reported the error).
          if (!this.tcp) return -EPIPE;
          var e = this.reset;
          this.reset = 0;
          this.eof = true;
          return -e;
        }
        if (this.broken) return -this.broken;
        if (length === 0) return 0;
        // (A whole buffer, as from TypeScript, needs no view of itself.)
        return this.send(offset === 0 && length === buffer.length ? buffer : buffer.subarray(offset, offset + length));
      }
    }
    dillMixin(Endpoint, DillFastIo);
    return Endpoint;
  },
  $DillEndpoint__deps: ['$dillEndpointClass'],
  $DillEndpoint: '=dillEndpointClass()',
});
