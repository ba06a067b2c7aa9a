/**
 * libdill-wasm: DillLocalEnd, one end of a socketpair() or pipe() (or of a
 * connect to one of the program's own unix listeners), an Emscripten JS
 * library: the peer is in this program, and bytes move between the two
 * receive queues, with the semantics of AF_UNIX stream sockets and pipes.
 */
mergeInto(LibraryManager.library, {
  $dillLocalEndClass__deps: ['$DillEndpoint', '$DillNet', '$DillBuffers'],
  $dillLocalEndClass: function() {
    var IN = DillNet.IN, OUT = DillNet.OUT;
    var EAGAIN = {{{ cDefine('EAGAIN') }}}, EPIPE = {{{ cDefine('EPIPE') }}};
    var ECONNRESET = {{{ cDefine('ECONNRESET') }}};
    return class LocalEnd extends DillEndpoint {
      constructor() {
        super();
        this.peer = null;
      }
      /** Two connected local endpoints, for socketpair() and pipe(). */
      static pair(pipe) {
        var a = new LocalEnd(), b = new LocalEnd();
        a.peer = b;
        b.peer = a;
        if (pipe) {
          a.canWrite = false;   // read end
          b.canRead = false;    // write end
        }
        return [a, b];
      }
      writeReady() {
        return this.shutWr || this.broken !== 0 || this.reset !== 0 ||
          this.peer.rxlen < DillNet.HIGH;
      }
      room(len) { return this.peer.rxlen + len <= DillNet.HIGH; }
      release(c) { DillBuffers.rxRelease(c); }
      send(bytes) {
        var peer = this.peer;
        var room = DillNet.HIGH - peer.rxlen;
        if (room <= 0) return -EAGAIN;
        var n = Math.min(room, bytes.length);
        // A copy (the program's memory changes once send returns): large
        // ones into a pooled buffer, which the reader gives back once it
        // consumed it (release), instead of a fresh allocation each.
        var chunk;
        if (n > DillBuffers.RX_COPY_MAX && n <= DillBuffers.RX_SIZE) {
          chunk = DillBuffers.rxBuffer().subarray(0, n);
          chunk.set(bytes.subarray(0, n));
        } else {
          chunk = bytes.slice(0, n);
        }
        if (this.pendingFds) {
          chunk.fds = this.pendingFds;
          this.pendingFds = null;
        }
        peer.deliver(chunk);
        return n;
      }
      consumed() {
        // The peer may be waiting for room.
        if (this.rxlen < DillNet.HIGH) this.peer.changed(OUT);
      }
      shutdown(rd, wr) {
        if (rd && !this.shutRd) {
          this.shutRd = true;
          this.rx = [];
          this.rxlen = 0;
          this.rxoff = 0;
          this.peer.broken = EPIPE;
          this.peer.changed(IN | OUT);
          this.changed(IN);
        }
        if (wr && !this.shutWr) {
          this.shutWr = true;
          this.peer.eof = true;
          this.peer.changed(IN);
          this.changed(OUT);
        }
      }
      /** Drop the connection, resetting the peer. */
      abort() {
        this.rxlen = 1;
        this.close();
      }
      close() {
        if (this.closed) return;
        this.closed = true;
        var peer = this.peer;
        // As natively: closing with unread data resets the connection.
        if (this.rxlen > 0 && !this.shutRd) peer.reset = ECONNRESET;
        else peer.eof = true;
        peer.broken = EPIPE;
        this.rx = [];
        this.rxlen = 0;
        peer.changed(IN | OUT);
      }
    };
  },
  $DillLocalEnd__deps: ['$dillLocalEndClass'],
  $DillLocalEnd: '=dillLocalEndClass()',
});
