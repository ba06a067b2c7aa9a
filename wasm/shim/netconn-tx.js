/**
 * libdill-wasm: how a DillNetConn (netconn.js) sends, an Emscripten JS
 * library (methods netconn.js puts on the class).
 *
 * A send writes straight to the kernel what it takes and queues a copy of
 * the rest (at most HIGH) in Node; while that copy waits, the next send
 * waits (EAGAIN) rather than queueing more copies behind it.  Once the
 * kernel took it, the next send again goes straight from wasm memory,
 * without a copy: between two processes over a unix socket that beat
 * queueing up to HIGH by about 9% (bulk).
 */
mergeInto(LibraryManager.library, {
  $DillNetConnTx__deps: ['$DillNet', '$DillBuffers', '$DillKernel', '$DillPoller'],
  $DillNetConnTx: {
    room: function(len) { return this.sock.writableLength === 0 && len <= DillNet.HIGH; },
    send: function(bytes) {
      if (this.connecting) return -{{{ cDefine('EAGAIN') }}};
      if (this.failed) return -{{{ cDefine('ENOTCONN') }}};
      if (this.sock.writableLength > 0) return -{{{ cDefine('EAGAIN') }}};
      // A small send after another one in the same turn of the event loop
      // joins the cork (see corkFlush); anything else goes out at once,
      // after what the cork holds.
      if (this.turnSent && bytes.length <= DillNet.CORK_ITEM_MAX &&
          this.corkLen + bytes.length <= DillBuffers.TX_SIZE) {
        if (this.cork === null) {
          this.cork = DillBuffers.txBuffer(DillBuffers.TX_SIZE);
          DillNet.corked.push(this);
        }
        this.cork.set(bytes, this.corkLen);
        this.corkLen += bytes.length;
        return bytes.length;
      }
      if (this.cork !== null) {
        this.corkFlush();
        if (this.sock.writableLength > 0) return -{{{ cDefine('EAGAIN') }}};
        if (this.broken || this.reset) return this.write(bytes, 0, bytes.length);
      }
      if (!this.turnSent) {
        this.turnSent = true;
        DillNet.sentInTurn(this);
      }
      return this.sendDirect(bytes);
    },
    /**
     * Small sends of one turn of the event loop (the program running on
     * without waiting) after its first are coalesced, as Node's own
     * sockets coalesce what is written while a write is pending: copied
     * into the cork (one TX buffer), which goes to the kernel in one write
     * when the turn ends (DillNet.endTurn: the program waits, or yields to
     * Node), before any other send or writev, at shutdown and close, at
     * exit, or when it is full.  The first send of a turn goes at once, so
     * a request followed by a wait for its answer costs nothing more, and
     * its errors are the call's own; a corked send that fails reports its
     * error on the next call, as a send into the kernel's buffer would.
     */
    corkFlush: function() {
      var cork = this.cork, len = this.corkLen;
      if (cork === null) return;
      this.cork = null;
      this.corkLen = 0;
      if (this.closed || this.shutWr || this.broken) {
        DillBuffers.txRelease(cork);
        return;
      }
      var off = 0, fd = this.osFd();
      if (fd >= 0 && this.sock.writableLength === 0) {
        try {
          off = DillKernel.io(DillKernel.fs.writeSync, fd, cork, 0, len);
        } catch (e) {
          if (e.code !== 'EAGAIN') {
            DillBuffers.txRelease(cork);
            this.lost(DillNet.err(e.code));
            return;
          }
        }
      }
      if (off === len) {
        DillBuffers.txRelease(cork);
        return;
      }
      DillPoller.pendingWrites++;
      var self = this;
      this.sock.write(cork.subarray(off, len), function() {
        DillBuffers.txRelease(cork);
        self.written();
      });
    },
    /** send(): bytes to the kernel at once, the rest queued in Node. */
    sendDirect: function(bytes) {
      var n = Math.min(DillNet.HIGH, bytes.length);
      // Straight from wasm memory to the kernel (no copy, no trip through
      // the stream machinery), as a native program does.  Only when the
      // kernel is full do the bytes go to Node's queue, whose completion
      // then signals room.
      var fd = this.osFd();
      if (fd >= 0) {
        try {
          var k = DillKernel.io(DillKernel.fs.writeSync, fd, bytes, 0, n);
          if (k > 0) return k;
        } catch (e) {
          // EAGAIN: queue below.  The kernel reports an error once, so
          // it is ours to record.
          if (e.code !== 'EAGAIN') {
            this.lost(DillNet.err(e.code));
            return this.write(bytes, 0, bytes.length);
          }
        }
      }
      DillPoller.pendingWrites++;
      var copy = DillBuffers.txBuffer(n);
      copy.set(bytes.subarray(0, n));
      var self = this;
      this.sock.write(copy.length === n ? copy : copy.subarray(0, n), function() {
        DillBuffers.txRelease(copy);
        self.written();
      });
      return n;
    },
    /**
     * The iovecs at `iov` straight to the kernel in one writev, when
     * nothing waits in Node's queue: the bytes it took (maybe fewer),
     * or 0 (the caller writes them one by one, queueing as needed).
     */
    writev: function(iov, iovcnt) {
      if (this.connecting || this.failed || this.shutWr || this.broken || this.reset ||
          this.sock.writableLength !== 0) return 0;
      var fd = this.osFd();
      if (fd < 0) return 0;
      var bufs = [], total = 0;
      for (var i = 0; i < iovcnt && i < 1024; i++) {
        var len = HEAP32[(iov + i * 8 + 4) >> 2];
        if (len > 0) {
          var ptr = HEAPU32[(iov + i * 8) >> 2];
          bufs.push(HEAPU8.subarray(ptr, ptr + len));
          total += len;
        }
      }
      // A small message (a header and its body) joins the cork as a send does.
      if (this.turnSent && total <= DillNet.CORK_ITEM_MAX && this.corkLen + total <= DillBuffers.TX_SIZE) {
        for (var j = 0; j < bufs.length; j++) this.send(bufs[j]);
        return total;
      }
      if (this.cork !== null) {
        this.corkFlush();
        if (this.sock.writableLength !== 0 || this.broken || this.reset) return 0;
      }
      if (!this.turnSent) {
        this.turnSent = true;
        DillNet.sentInTurn(this);
      }
      try {
        return DillKernel.io(DillKernel.fs.writevSync, fd, bufs);
      } catch (e) {
        // EAGAIN: nothing taken.  Other errors: the item-by-item writes
        // meet them again and report them.
        return 0;
      }
    },
  },
});
