/**
 * libdill-wasm: what src/host/fastio.ts calls on a connected endpoint to send and
 * receive without a coroutine (an Emscripten JS library): methods of
 * DillEndpoint (endpoint.js puts them on its prototype; DillNetConn
 * overrides some for a connection in progress).  The endpoint fields it
 * uses too: rxlen, parked, onChange/offChange (waitable.js).
 */
mergeInto(LibraryManager.library, {
  $DillFastIo__deps: ['$DillNet'],
  $DillFastIo: {
    /** Would a receive of `len` bytes be served without waiting? */
    recvNow: function(len) {
      return !this.canRead || this.rxlen >= len || this.eof || this.reset !== 0 || this.shutRd;
    },
    /** Would a send of `len` bytes be taken whole without waiting? */
    sendNow: function(len) {
      return !this.canWrite || this.shutWr || this.broken !== 0 || this.reset !== 0 || this.room(len);
    },
    /**
     * For a brecv from TypeScript (src/host/fastio.ts), which calls this only
     * while its socket can receive: 1 if the `len` bytes were there and
     * are now in `buf`; 0 if they are to be waited for (onChange); -1 if
     * the general way must handle it (end of stream, an error, more
     * than the receive queue holds).
     */
    fastRecv: function(buf, len) {
      if (!this.canRead || this.shutRd) return -1;
      if (this.rxlen >= len) {
        // Chunks carrying descriptors end a read early: read on.
        for (var got = 0; got < len;) {
          var k = this.read(buf, got, len - got);
          if (k <= 0) throw new Error('libdill-wasm: receive queue shorter than its length');
          got += k;
        }
        return 1;
      }
      if (this.eof || this.reset || len > DillNet.PARK_MAX) return -1;
      return 0;
    },
    /**
     * For a dillwasm_brecvsome from TypeScript, under the same conditions:
     * the count (> 0) of the bytes that were there (up to `len`, now in
     * `buf`); 0 if none are (onChange); -1 if the general way must handle
     * it (end of stream, an error).
     */
    fastRecvSome: function(buf, len) {
      if (!this.canRead || this.shutRd) return -1;
      if (this.rxlen > 0) {
        // Chunks carrying descriptors end a read early: what came before them is some.
        var k = this.read(buf, 0, Math.min(len, this.rxlen));
        if (k <= 0) throw new Error('libdill-wasm: receive queue shorter than its length');
        return k;
      }
      if (this.eof || this.reset) return -1;
      return 0;
    },
    /**
     * For a receive of what has arrived from the idiomatic layer
     * (src/host/fastio.ts FastIo.recvChunk), under the same conditions:
     * up to `max` (> 0) received bytes, taken from the receive queue
     * without a copy where a queued chunk fits (it is the caller's then:
     * never given back to the buffer pool); an empty array if none are
     * there (onChange); null if the general way must handle it (end of
     * stream, an error).
     */
    takeSome: function(max) {
      if (!this.canRead || this.shutRd) return null;
      if (this.rxlen > 0) {
        var c = this.rx[0];
        if (this.rxoff === 0 && c.length <= max && !c.fds) {
          this.rx.shift();
          this.rxlen -= c.length;
          this.consumed();
          return c;
        }
        var out = new Uint8Array(Math.min(max, this.rxlen));
        var k = this.read(out, 0, out.length);
        if (k <= 0) throw new Error('libdill-wasm: receive queue shorter than its length');
        return k === out.length ? out : out.subarray(0, k);
      }
      if (this.eof || this.reset) return null;
      return DillFastIo.nothing || (DillFastIo.nothing = new Uint8Array(0));
    },
    /** takeSome's "nothing yet", made at first use (a library item is source text). */
    nothing: null,
    /** Consume up to `len` received bytes (a failed brecv from TypeScript). */
    drop: function(len) {
      var scratch = DillNet.dropBuf || (DillNet.dropBuf = new Uint8Array(4096));
      for (var left = Math.min(len, this.rxlen); left > 0;) {
        var k = this.read(scratch, 0, Math.min(left, scratch.length));
        if (k <= 0) break;
        left -= k;
      }
    },
    /**
     * For a bsend from TypeScript, which calls this only while its
     * socket can send: sends all of buf[0, len) if the socket takes it
     * without waiting.  The count sent (len; fewer, maybe 0: the caller
     * sends the rest the general way) or -errno.
     */
    fastSend: function(buf, len) {
      if (!this.canWrite || this.shutWr || this.broken || this.reset || this.pendingFds ||
          !this.room(len)) return 0;
      var off = 0;
      while (off < len) {
        var r = this.write(buf, off, len - off);
        if (r === -{{{ cDefine('EAGAIN') }}}) break;
        if (r < 0) return r;
        off += r;
      }
      return off;
    },
  },
});
