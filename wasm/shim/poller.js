/**
 * libdill-wasm: the bridge between the socket shim and the C poller
 * (libdill/src/poller.c), an Emscripten JS library.  Endpoints report
 * readiness changes here (notify); the C poller collects them when idle
 * (dill__js_fd_events), checks a descriptor's readiness (dill__js_fd_check)
 * and says which directions it waits for (dill__js_fd_watch).  Also here:
 * the count of writes Node still holds, which a C program's exit waits for
 * (flush).
 */
mergeInto(LibraryManager.library, {
  $DillPoller__deps: ['$DillFiber', '$DillNet'],
  $DillPoller__postset: function() { addAtInit('DillPoller.init();'); },
  $DillPoller: {
    // Writes the program was told are done that wait in Node's queues for
    // room in the kernel, and callbacks waiting for none to be left.
    pendingWrites: 0,
    flushWaiters: [],
    // Readiness events for the C poller: descriptors in arrival order, and
    // each one's mask (0: not queued).  Not a Map: iterating one allocates.
    evFds: null,
    evMask: null,

    init: function() {
      DillPoller.evFds = [];
      DillPoller.evMask = [];
      DillFiber.eventsPending = function() { return DillPoller.evFds.length > 0; };
      DillFiber.flush = DillPoller.flush;
    },

    /** Tell the C poller that `ep` may have become ready (mask IN|OUT). */
    notify: function(ep, mask) {
      if (ep.fd < 0 || !(ep.watch & mask)) return;
      var fd = ep.fd, m = DillPoller.evMask[fd] | 0;
      if (m === 0) DillPoller.evFds.push(fd);
      DillPoller.evMask[fd] = m | (ep.watch & mask);
      DillFiber.wake();
    },

    /** Calls cb once every queued write has reached the kernel (or failed). */
    flush: function(cb) {
      // Corked sends first (netconn-tx.js): they count as pending once queued.
      DillNet.endTurn();
      if (DillPoller.pendingWrites === 0) cb();
      else DillPoller.flushWaiters.push(cb);
    },

    /** A queued write is done (pendingWrites was decremented to 0). */
    flushed: function() {
      var w = DillPoller.flushWaiters;
      DillPoller.flushWaiters = [];
      for (var i = 0; i < w.length; i++) w[i]();
    },
  },

  // The C poller (libdill/src/poller.c): readiness of a descriptor.
  // Returns -1 if fd is not open, 1 if ready for `dir` (1 in, 2 out), else 0.
  dill__js_fd_check__deps: ['$DillNet', '$DILL_C'],
  dill__js_fd_check: function(fd, dir) {
    var stream = FS.getStream(fd);
    if (!stream) return -1;
    var ep = stream.node && stream.node.ep;
    if (!ep) return 1;
    var m = ep.pollMask();
    var bad = DILL_C.POLLERR | DILL_C.POLLHUP;
    if (dir === DillNet.IN) return m & (DILL_C.POLLIN | bad) ? 1 : 0;
    return m & (DILL_C.POLLOUT | bad) ? 1 : 0;
  },

  // For src/host/fastio.ts (libdill/host/host.c): would a send (dir 0) or receive
  // (dir 1) of `len` bytes on fd complete without waiting?
  dill__js_fd_nowait__deps: ['$DillFds'],
  dill__js_fd_nowait: function(fd, dir, len) {
    var ep = DillFds.ep(fd);
    if (!ep || !ep.recvNow) return 0;
    return (dir ? ep.recvNow(len) : ep.sendNow(len)) ? 1 : 0;
  },

  // dill_fdclean: nobody waits for fd any more (it is about to close).
  dill__js_fd_clean__deps: ['$DillNet', '$DillFds'],
  dill__js_fd_clean: function(fd) {
    var ep = DillFds.ep(fd);
    if (!ep) return;
    ep.watch = 0;
    if (ep.parked && DillNet.onClean) DillNet.onClean(ep);
  },

  dill__js_fd_watch__deps: ['$DillNet', '$DillFds'],
  dill__js_fd_watch: function(fd, dir, on) {
    var ep = DillFds.ep(fd);
    if (!ep) return;
    if (on) ep.watch |= dir;
    else ep.watch &= ~dir;
    if (on && (dir & DillNet.IN) && ep.wantData) ep.wantData();
  },

  // Moves up to `max` queued (fd, mask) readiness events into buf.
  dill__js_fd_events__deps: ['$DillPoller'],
  dill__js_fd_events: function(buf, max) {
    var q = DillPoller.evFds;
    if (q.length === 0) return 0;
    var n = Math.min(q.length, max);
    for (var i = 0; i < n; i++) {
      var fd = q[i];
      HEAP32[(buf >> 2) + 2 * i] = fd;
      HEAP32[(buf >> 2) + 2 * i + 1] = DillPoller.evMask[fd];
      DillPoller.evMask[fd] = 0;
    }
    if (n === q.length) q.length = 0;
    else q.splice(0, n);
    return n;
  },
});
