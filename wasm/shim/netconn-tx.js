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
      var bufs = [];
      for (var i = 0; i < iovcnt && i < 1024; i++) {
        var len = HEAP32[(iov + i * 8 + 4) >> 2];
        if (len > 0) {
          var ptr = HEAPU32[(iov + i * 8) >> 2];
          bufs.push(HEAPU8.subarray(ptr, ptr + len));
        }
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
