/**
 * libdill-wasm: POSIX sockets and pipes for C programs, backed by Node: the
 * socket layer's common ground (DillNet), as the rest of the program sees it.
 *
 * Emscripten 3.1.6's own SOCKFS emulates sockets over WebSockets (no
 * AF_UNIX, no socketpair, no shutdown).  These libraries replace the socket
 * system calls.  Every socket or pipe end is an FS stream (so read, write,
 * close, poll and fcntl reach it through Emscripten's FS) whose node carries
 * an endpoint object.  Where each part lives:
 *
 *   constants.js       C constants Emscripten's cDefine() lacks (DILL_C)
 *   net.js             this: tunables, hooks for src/host/fastio.ts, ep(fd)
 *   fds.js             the descriptor table: our FS streams (DillFds)
 *   poller.js          the bridge to the C poller: readiness events, flush
 *   buffers.js         pooled send and receive buffers (DillBuffers)
 *   waitable.js        base of everything behind a descriptor (DillWaitable)
 *   endpoint.js        base of connected endpoints: the receive queue
 *   fastio.js          what src/host/fastio.ts calls on an endpoint (DillFastIo)
 *   local.js           in-process ends: socketpair, pipe (DillLocalEnd)
 *   netconn*.js        a connection over a Node socket (DillNetConn)
 *   kernel.js          reads and writes on a socket's kernel descriptor
 *   fresh.js           a socket() not yet connected or listening
 *   unix.js            unix addresses, binding, this program's listeners
 *   unix-listener.js   a listening unix socket (DillUnixListener)
 *   inet.js, tcp-listener.js, udp.js   IP sockets (DillInet)
 *   node-internals.js  the few private Node internals we cannot avoid
 *   syscalls-*.js      the system calls (__syscall_*, fd_*, dill__js_*)
 *
 * Blocking calls on blocking descriptors suspend the whole program
 * (DillFiber.blockWorld), as natively; non-blocking ones return EAGAIN or
 * EINPROGRESS.  Readiness changes of watched descriptors are queued for the
 * C poller (libdill/src/poller.c), which collects them when idle.
 *
 * Endpoint classes are library items of their own ($DillEndpoint...): each
 * is `'=dillXxxClass()'`, a variable set when the module loads from a
 * function that returns the class.  Emscripten emits an item after its
 * __deps, so a class's base (a dependency) is defined before it.
 */
mergeInto(LibraryManager.library, {
  $DillNet__deps: ['$DillFds', '$ERRNO_CODES'],
  $DillNet: {
    // Bytes an endpoint buffers for its reader before writers get EAGAIN or
    // block: keeps memory bounded when the reader does not keep up.
    HIGH: 256 * 1024,
    // A TCP read of fewer bytes reads ahead (netconn-rx.js).
    READ_AHEAD_MAX: 16 * 1024,
    // Set by src/host/fastio.ts: called when the descriptor of an endpoint with a
    // parked receive is cleaned (dill_fdclean), before it closes.
    onClean: null,
    // Scratch space of Endpoint.drop (fastio.js).
    dropBuf: null,
    // Runs f as a microtask: cheaper than queueMicrotask, which makes an
    // AsyncResource each time (and runs async hooks once go() is used).
    resolved: null,
    hop: function(f) { (DillNet.resolved || (DillNet.resolved = Promise.resolve())).then(f); },
    // The largest brecv from TypeScript that waits for its bytes in JS (see
    // Endpoint.fastRecv); a larger one waits in a coroutine, which reads
    // from the kernel straight into its buffer as the bytes come.
    PARK_MAX: 16 * 1024,
    // Directions of readiness (as the C poller's).
    IN: 1,
    OUT: 2,

    // The largest send that joins a connection's cork (netconn-tx.js
    // corkFlush): larger ones go to the kernel at once.
    CORK_ITEM_MAX: 8 * 1024,
    // Connections with corked sends, and those that sent in this turn.
    corked: [],
    turners: [],
    turnPending: false,
    /** A connection sent in this turn: the turn's end is scheduled. */
    sentInTurn: function(conn) {
      DillNet.turners.push(conn);
      if (DillNet.turnPending) return;
      DillNet.turnPending = true;
      DillNet.hop(DillNet.endTurn);
    },
    /**
     * The turn ends (the program waits, or yields to Node; or it exits):
     * the corked sends go out, and the next send of each connection goes
     * at once again.
     */
    endTurn: function() {
      DillNet.turnPending = false;
      var c = DillNet.corked, t = DillNet.turners;
      DillNet.corked = [];
      DillNet.turners = [];
      for (var i = 0; i < c.length; i++) c[i].corkFlush();
      for (var j = 0; j < t.length; j++) t[j].turnSent = false;
    },

    /** The endpoint behind fd, or null if fd is not one of ours. */
    ep: function(fd) {
      return DillFds.ep(fd);
    },

    /** This build's errno for a Node error code ('ECONNRESET'...): EIO if unknown. */
    err: function(name) {
      return ERRNO_CODES[name] || {{{ cDefine('EIO') }}};
    },
  },

  /**
   * Puts the methods of object `methods` on class `cls`, as the class's own
   * methods would be (not enumerable): a class whose methods are written in
   * more than one module (endpoint.js, netconn.js).
   */
  $dillMixin: function(cls, methods) {
    for (var name in methods) {
      Object.defineProperty(cls.prototype, name,
        { value: methods[name], writable: true, configurable: true, enumerable: false });
    }
  },
});
