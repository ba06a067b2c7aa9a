/**
 * libdill-wasm: standard output and error as the bytes the program wrote
 * (Emscripten's default decodes them to lines for console.log).  fd_write
 * itself is in syscalls-io.js, which routes descriptors 1 and 2 here.
 */
mergeInto(LibraryManager.library, {
  // Before Emscripten's exit closes every stream (FS.quit): see release().
  $DillStdio__deps: ['$FS'],
  $DillStdio__postset: '__ATEXIT__.push(function() { DillStdio.release(); });',
  $DillStdio: {
    fs: null,
    /**
     * At exit Emscripten closes every stream, and with NODERAWFS closing
     * descriptors 0-2 closes the Node process's own: an 'exit' listener,
     * --trace-exit or a coverage tool would find them gone (or, once the
     * number is used again, write elsewhere or block).  A native program's
     * exit leaves them to the kernel; so does ours: its standard streams
     * are dropped, not closed (the C library's buffers are flushed after,
     * through fd_write, which writes to the descriptors directly).  A
     * stream the program put in their place (dup2) is closed as before.
     */
    release: function() {
      for (var fd = 0; fd <= 2; fd++) {
        var s = FS.streams[fd];
        if (s && s.nfd === fd) FS.closeStream(fd);
      }
    },
    writev: function(fd, iov, iovcnt, pnum) {
      var num = 0;
      for (var i = 0; i < iovcnt; i++) {
        var ptr = HEAP32[(iov + i * 8) >> 2];
        var len = HEAP32[(iov + i * 8 + 4) >> 2];
        DillStdio.write(fd, HEAPU8.subarray(ptr, ptr + len));
        num += len;
      }
      HEAP32[pnum >> 2] = num;
      return 0;
    },
    write: function(fd, bytes) {
      if (!DillStdio.fs) DillStdio.fs = require('fs');
      var off = 0;
      while (off < bytes.length) {
        try {
          off += DillStdio.fs.writeSync(fd, bytes, off, bytes.length - off);
        } catch (e) {
          if (e.code !== 'EAGAIN') throw e;
        }
      }
    },
  },

  // Called by Emscripten's exit path: flush the C library's stdio buffers
  // (our own writes are unbuffered).
  $flush_NO_FILESYSTEM: function() {
    if (typeof ___stdio_exit !== 'undefined') ___stdio_exit();
  },
});
