/**
 * libdill-wasm: standard output and error as the bytes the program wrote
 * (Emscripten's default decodes them to lines for console.log).  fd_write
 * itself is in syscalls-io.js, which routes descriptors 1 and 2 here.
 */
mergeInto(LibraryManager.library, {
  // Before Emscripten's exit closes every stream (FS.quit): see release().
  $DillStdio__deps: ['$FS', '$DillFiber', '$DillNet'],
  $DillStdio__postset: '__ATEXIT__.push(function() { DillStdio.release(); });',
  $DillStdio: {
    fs: null,
    // Standard streams dropped at exit (release), still written to by the
    // C library's last flush.
    released: [false, false, false],
    /**
     * At exit Emscripten closes every stream, and with NODERAWFS closing
     * descriptors 0-2 closes the Node process's own: an 'exit' listener,
     * --trace-exit or a coverage tool would find them gone (or, once the
     * number is used again, write elsewhere or block).  A native program's
     * exit leaves them to the kernel; so does ours: its standard streams
     * are dropped, not closed (the C library's buffers are flushed after,
     * through fd_write).  A stream the program put in their place (dup2)
     * is closed as before.
     */
    release: function() {
      for (var fd = 0; fd <= 2; fd++) {
        var s = FS.streams[fd];
        if (s && s.nfd === fd) {
          FS.closeStream(fd);
          DillStdio.released[fd] = true;
        }
      }
    },
    /**
     * Is descriptor fd (1 or 2) still the process's own standard output or
     * error?  Not once the program closed it or put another file there.
     */
    isStd: function(fd) {
      var s = FS.streams[fd];
      return s ? s.nfd === fd : DillStdio.released[fd];
    },
    /** writev on the process's stdout or stderr: 0 (count at pnum) or an errno. */
    writev: function(fd, iov, iovcnt, pnum) {
      var num = 0;
      for (var i = 0; i < iovcnt; i++) {
        var ptr = HEAP32[(iov + i * 8) >> 2];
        var len = HEAP32[(iov + i * 8 + 4) >> 2];
        var e = DillStdio.write(fd, HEAPU8.subarray(ptr, ptr + len));
        if (e) {
          if (num > 0) break;
          return e;
        }
        num += len;
      }
      HEAP32[pnum >> 2] = num;
      return 0;
    },
    /** Writes all of `bytes`; 0, or the errno that stopped it. */
    write: function(fd, bytes) {
      if (!DillStdio.fs) DillStdio.fs = require('fs');
      var off = 0;
      while (off < bytes.length) {
        try {
          off += DillStdio.fs.writeSync(fd, bytes, off, bytes.length - off);
        } catch (e) {
          if (e.code === 'EAGAIN') continue;
          if (e.code === 'EPIPE') DillStdio.brokenPipe();
          return DillNet.err(e.code);
        }
      }
      return 0;
    },
    /**
     * Output to a pipe nobody reads any more (`prog | head -1`).  A
     * native program dies of SIGPIPE there, silently.  A C program's
     * process does too: Node ignores SIGPIPE, and libuv puts back the
     * default action when the last listener of a signal goes, so one added
     * and removed lets the signal kill.  The library inside an application
     * (no C program's main) leaves the process alone: the write fails with
     * EPIPE, as with SIGPIPE ignored.
     */
    brokenPipe: function() {
      if (!DillFiber.rootCtx) return;
      var ignore = function() {};
      process.on('SIGPIPE', ignore);
      process.removeListener('SIGPIPE', ignore);
      process.kill(process.pid, 'SIGPIPE');
    },
  },

  // Called by Emscripten's exit path: flush the C library's stdio buffers
  // (our own writes are unbuffered).
  $flush_NO_FILESYSTEM: function() {
    if (typeof ___stdio_exit !== 'undefined') ___stdio_exit();
  },
});
