/**
 * libdill-wasm: pooled buffers of the socket shim (an Emscripten JS
 * library): copies of the program's bytes waiting in Node's write queue,
 * and the buffers Node reads connections into.  Fresh buffers cost page
 * faults on every use; these are reused.
 */
mergeInto(LibraryManager.library, {
  $DillBuffers: {
    // Node's write queue holds copies of the program's bytes (its memory
    // changes once bsend returns).  Buffers of TX_SIZE are reused.
    TX_SIZE: 64 * 1024,
    txFree: [],
    txBuffer: function(n) {
      if (n > DillBuffers.TX_SIZE) return Buffer.allocUnsafeSlow(n);
      return DillBuffers.txFree.pop() || Buffer.allocUnsafeSlow(DillBuffers.TX_SIZE);
    },
    txRelease: function(b) {
      if (b.length === DillBuffers.TX_SIZE && DillBuffers.txFree.length < 64) DillBuffers.txFree.push(b);
    },

    // Stream connections are read by Node into buffers of ours (net's
    // `onread`), not through its stream machinery: no 'data' events, no
    // pause()/resume() on every wait.  A large read hands its whole
    // RX_SIZE buffer to the receive queue (no copy) and takes a fresh one
    // from rxFree; a small one is copied out, so a peer writing bytes one
    // by one cannot make us hold a buffer per byte.  (Local ends copy
    // large sends into these buffers too.)
    RX_SIZE: 64 * 1024,
    RX_COPY_MAX: 4 * 1024,
    rxFree: [],
    rxBuffer: function() {
      return DillBuffers.rxFree.pop() || Buffer.allocUnsafeSlow(DillBuffers.RX_SIZE);
    },
    /** A consumed chunk of the receive queue: its buffer may serve again. */
    rxRelease: function(c) {
      if (c.length > DillBuffers.RX_COPY_MAX && c.byteOffset === 0 &&
          c.buffer.byteLength === DillBuffers.RX_SIZE && DillBuffers.rxFree.length < 64)
        DillBuffers.rxFree.push(Buffer.from(c.buffer));
    },
  },
});
