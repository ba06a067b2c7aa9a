/**
 * libdill-wasm: reads and writes straight between wasm memory and the
 * kernel descriptor under a connection's Node socket (an Emscripten JS
 * library), as a native program does: no copy, no trip through Node's
 * stream machinery.  Used by netconn-rx.js and netconn-tx.js.
 */
mergeInto(LibraryManager.library, {
  $DillKernel__deps: ['$DillNodeInternals'],
  $DillKernel__postset: function() { addAtInit('DillKernel.fs = require("fs");'); },
  $DillKernel: {
    // Node's fs module: io(DillKernel.fs.readSync, ...).
    fs: null,
    // A 'data' chunk at least this large means a stream in full flow: the
    // next read goes to the kernel directly (netconn-rx.js).
    SPECULATE_MIN: 16 * 1024,

    /** The kernel descriptor under Node socket `sock` (may be null), or -1. */
    fd: function(sock) {
      return DillNodeInternals.kernelFd(sock);
    },

    /**
     * fs.readSync/writeSync (or writevSync: fd, buffers) on a socket's
     * descriptor.  EAGAIN is a common answer there and Node throws it:
     * without a stack trace, that is cheap.
     */
    io: function(op, fd, buf, off, len) {
      var limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return op(fd, buf, off, len, null);
      } finally {
        Error.stackTraceLimit = limit;
      }
    },
  },
});
