/**
 * libdill-wasm: POSIX sockets and pipes for C programs, backed by Node.
 *
 * Emscripten 3.1.6's own SOCKFS emulates sockets over WebSockets (no
 * AF_UNIX, no socketpair, no shutdown).  This library replaces the socket
 * system calls.  Every socket or pipe end is an FS stream (so read, write,
 * close, poll and fcntl reach it through Emscripten's FS) whose node carries
 * an endpoint object:
 *
 *   - in-process endpoints (socketpair, pipe, a connect to one of the
 *     program's own unix listeners): bytes move between two JS queues, with
 *     the semantics of AF_UNIX stream sockets and pipes (DillNet.LocalEnd);
 *   - Node-backed endpoints: a connection on a net.Socket (DillNet.NetConn,
 *     AF_UNIX and TCP alike), a unix listener on a net.Server
 *     (DillNet.Listener); the TCP listener and UDP sockets are in
 *     wasm/shim/inet.js (DillInet).
 *
 * Blocking calls on blocking descriptors suspend the whole program
 * (DillFiber.blockWorld), as natively; non-blocking ones return EAGAIN or
 * EINPROGRESS.  Readiness changes of watched descriptors are queued for the
 * C poller (libdill/src/poller.c), which collects them when idle.
 */
mergeInto(LibraryManager.library, {
  // Constants of Emscripten's C headers (musl) that its cDefine() lacks.
  $DILL_C: {
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  TCP_NODELAY: 1,
  SO_REUSEADDR: 2,
  SOCK_DGRAM: 2,
  MSG_TRUNC: 32,
  MSG_NOSIGNAL: 16384,
  F_DUPFD: 0,
  F_GETFD: 1,
  F_GETFL: 3,
  F_SETFD: 2,
  F_SETFL: 4,
  MSG_DONTWAIT: 64,
  MSG_PEEK: 2,
  O_ACCMODE: 3,
  O_APPEND: 1024,
  O_NONBLOCK: 2048,
  O_RDWR: 2,
  POLLERR: 8,
  POLLHUP: 16,
  POLLIN: 1,
  POLLNVAL: 32,
  POLLOUT: 4,
  SOCK_CLOEXEC: 524288,
  SOCK_NONBLOCK: 2048,
  MSG_CTRUNC: 8,
  SCM_RIGHTS: 1,
  SO_TYPE: 3,
  SO_ERROR: 4,
  SO_ACCEPTCONN: 30,
  SO_DOMAIN: 39,
  SOL_SOCKET: 1,
  SOCK_STREAM: 1,
  S_IFDIR: 16384,
  S_IFIFO: 4096,
  S_IFSOCK: 49152,
  },

  $DillNet__deps: ['$FS', '$SYSCALLS', '$ERRNO_CODES', '$DillFiber', '$dillRw', '$DILL_C', 'malloc'],
  $DillNet__postset: function() { addAtInit('DillNet.init();'); },
  $DillNet: {
    // Bytes an endpoint buffers for its reader before writers get EAGAIN or
    // block: keeps memory bounded when the reader does not keep up.
    HIGH: 256 * 1024,
    // Set by src/host.ts: called when the descriptor of an endpoint with a
    // parked receive is cleaned (dill_fdclean), before it closes.
    onClean: null,
    dropBuf: null,
    // Runs f as a microtask: cheaper than queueMicrotask, which makes an
    // AsyncResource each time (and runs async hooks once go() is used).
    resolved: null,
    hop: function(f) { (DillNet.resolved || (DillNet.resolved = Promise.resolve())).then(f); },
    // The largest brecv from TypeScript that waits for its bytes in JS (see
    // Endpoint.fastRecv); a larger one waits in a coroutine, which reads
    // from the kernel straight into its buffer as the bytes come.
    PARK_MAX: 16 * 1024,
    IN: 1,
    OUT: 2,
    root: null,
    seq: 0,
    fs: null,
    // Writes the program was told are done that wait in Node's queues for
    // room in the kernel, and callbacks waiting for none to be left.
    pendingWrites: 0,
    flushWaiters: [],
    // Readiness events for the C poller: descriptors in arrival order, and
    // each one's mask (0: not queued).  Not a Map: iterating one allocates.
    evFds: null,
    evMask: null,

    init: function() {
      DillNet.fs = require('fs');
      DillNet.evFds = [];
      DillNet.evMask = [];
      DillNet.listeners = new Map();
      DillNet.root = FS.mount(DillNet.fsType, {}, null);
      DillNet.defineEndpoints();
      DillFiber.eventsPending = function() { return DillNet.evFds.length > 0; };
      DillFiber.flush = DillNet.flush;
    },

    /**
     * fs.readSync/writeSync (or writevSync: fd, buffers) on a socket's
     * descriptor.  EAGAIN is a common
     * answer there and Node throws it: without a stack trace, that is cheap.
     */
    kernelIo: function(op, fd, buf, off, len) {
      var limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return op(fd, buf, off, len, null);
      } finally {
        Error.stackTraceLimit = limit;
      }
    },

    // Node's write queue holds copies of the program's bytes (its memory
    // changes once bsend returns).  Buffers of TX_SIZE are reused: fresh
    // ones cost page faults on every write.
    TX_SIZE: 64 * 1024,
    // A 'data' chunk at least this large means a stream in full flow.
    SPECULATE_MIN: 16 * 1024,
    txFree: [],
    txBuffer: function(n) {
      if (n > DillNet.TX_SIZE) return Buffer.allocUnsafeSlow(n);
      return DillNet.txFree.pop() || Buffer.allocUnsafeSlow(DillNet.TX_SIZE);
    },
    txRelease: function(b) {
      if (b.length === DillNet.TX_SIZE && DillNet.txFree.length < 64) DillNet.txFree.push(b);
    },

    // Stream connections are read by Node into buffers of ours (net's
    // `onread`), not through its stream machinery: no 'data' events, no
    // pause()/resume() on every wait.  A large read hands its whole
    // RX_SIZE buffer to the receive queue (no copy) and takes a fresh one
    // from rxFree; a small one is copied out, so a peer writing bytes one
    // by one cannot make us hold a buffer per byte.
    RX_SIZE: 64 * 1024,
    RX_COPY_MAX: 4 * 1024,
    rxFree: [],
    rxBuffer: function() {
      return DillNet.rxFree.pop() || Buffer.allocUnsafeSlow(DillNet.RX_SIZE);
    },
    /** A consumed chunk of the receive queue: its buffer may serve again. */
    rxRelease: function(c) {
      if (c.length > DillNet.RX_COPY_MAX && c.byteOffset === 0 &&
          c.buffer.byteLength === DillNet.RX_SIZE && DillNet.rxFree.length < 64)
        DillNet.rxFree.push(Buffer.from(c.buffer));
    },

    /** Calls cb once every queued write has reached the kernel (or failed). */
    flush: function(cb) {
      if (DillNet.pendingWrites === 0) cb();
      else DillNet.flushWaiters.push(cb);
    },

    flushed: function() {
      var w = DillNet.flushWaiters;
      DillNet.flushWaiters = [];
      for (var i = 0; i < w.length; i++) w[i]();
    },

    fsType: {
      mount: function() {
        return FS.createNode(null, '/', DILL_C.S_IFDIR | 511, 0);
      },
    },

    /**
     * A new FS stream for endpoint `ep`: its fd, or -EMFILE when the
     * descriptor table is full (FS.MAX_OPEN_FDS); `ep` is then left alone.
     */
    open: function(ep, mode) {
      var node = FS.createNode(DillNet.root, 'dill' + (DillNet.seq++), mode, 0);
      node.ep = ep;
      var stream;
      try {
        stream = FS.createStream({
          path: node.name,
          node: node,
          flags: DILL_C.O_RDWR,
          seekable: false,
          stream_ops: DillNet.streamOps,
        });
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        FS.destroyNode(node);
        return -e.errno;
      }
      ep.fd = stream.fd;
      return stream.fd;
    },

    /**
     * Are there n free descriptors (FS throws EMFILE past MAX_OPEN_FDS)?
     * Asked before a step that cannot be undone (taking a connection from
     * the backlog, making a pair).
     */
    fdsFree: function(n) {
      var streams = FS.streams, max = FS.MAX_OPEN_FDS;
      for (var fd = 0; fd <= max && n > 0; fd++) {
        if (!streams[fd]) n--;
      }
      return n === 0;
    },

    /**
     * Keep a passed descriptor open while it is in flight: a socket of ours
     * gets one more reference; any other descriptor (a file, a pipe, the
     * terminal) is reopened through /proc/self/fd now, so that it survives
     * the sender closing its own (as a dup would).  Throws FS.ErrnoError.
     */
    holdStream: function(stream) {
      if (stream.node && stream.node.ep) {
        stream.node.ep.refs++;
        return stream;
      }
      return DillNet.reopen(stream);
    },

    /**
     * A new stream for the same file as a NODERAWFS `stream` (a file, a
     * pipe, the terminal): reopened through /proc/self/fd, at `fd` if given.
     * Throws FS.ErrnoError (a socket Node opened cannot be reopened: ENXIO).
     */
    reopen: function(stream, fd) {
      if (typeof stream.nfd !== 'number') throw new FS.ErrnoError({{{ cDefine('EBADF') }}});
      var keep = DILL_C.O_ACCMODE | DILL_C.O_APPEND | DILL_C.O_NONBLOCK;
      var copy = FS.open('/proc/self/fd/' + stream.nfd, stream.flags & keep, 0, fd);
      // NODERAWFS takes every opened file as seekable; a pipe or terminal
      // is not (positioned writes to it fail with ESPIPE).
      copy.seekable = stream.seekable && DillNet.fs.fstatSync(copy.nfd).isFile();
      return copy;
    },

    /** dup/dup3 of a stream that is not one of our sockets. */
    dupOther: function(stream, fd) {
      try {
        return DillNet.reopen(stream, fd).fd;
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        return -e.errno;
      }
    },

    /** The receiver takes a held descriptor: a new fd for it, or -EMFILE. */
    installHeld: function(stream) {
      if (stream.node && stream.node.ep) {
        var fd = DillNet.dupFd(stream, 0);
        if (fd >= 0) stream.node.ep.refs--;
        return fd;
      }
      return stream.fd;
    },

    /** Held descriptors nobody will take: drop our reference. */
    releaseHeld: function(streams) {
      for (var i = 0; i < streams.length; i++) {
        var ep = streams[i].node && streams[i].node.ep;
        if (!ep) FS.close(streams[i]);
        else if (--ep.refs === 0) DillNet.closeEndpoint(ep, streams[i].node);
      }
    },

    /**
     * The last descriptor of an endpoint is gone: close it and forget its
     * FS node (FS keeps every node in its name table until destroyed: a
     * program opening connections all day would grow without bound).
     */
    closeEndpoint: function(ep, node) {
      ep.close();
      ep.fd = -1;
      DillNet.dropNode(node);
    },
    /** Destroys an FS node of ours once (tls.js drops its own early). */
    dropNode: function(node) {
      if (!node || node.dropped) return;
      node.dropped = true;
      FS.destroyNode(node);
    },

    /** A new descriptor for the same socket as `stream` (dup, passed fds), or -EMFILE. */
    dupFd: function(stream, minFd) {
      var ns;
      try {
        ns = FS.createStream({
          path: stream.path,
          node: stream.node,
          flags: stream.flags,
          seekable: false,
          stream_ops: DillNet.streamOps,
        }, minFd);
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        return -e.errno;
      }
      stream.node.ep.refs++;
      return ns.fd;
    },

    /** Some open descriptor of `ep` (for readiness events), or -1. */
    anyFd: function(ep) {
      for (var i = 0; i < FS.streams.length; i++) {
        var st = FS.streams[i];
        if (st && st.node && st.node.ep === ep) return i;
      }
      return -1;
    },

    /** The socket behind fd, or -errno: EBADF (not open), ENOTSOCK (a file). */
    sock: function(fd) {
      var stream = FS.getStream(fd);
      if (!stream) return -{{{ cDefine('EBADF') }}};
      var ep = stream.node && stream.node.ep;
      return ep || -{{{ cDefine('ENOTSOCK') }}};
    },

    /** The endpoint behind fd, or null if fd is not one of ours. */
    ep: function(fd) {
      var stream = FS.getStream(fd);
      return stream && stream.node && stream.node.ep ? stream.node.ep : null;
    },

    err: function(name) {
      return ERRNO_CODES[name] || {{{ cDefine('EIO') }}};
    },

    /** Tell the C poller that `ep` may have become ready (mask IN|OUT). */
    notify: function(ep, mask) {
      if (ep.fd < 0 || !(ep.watch & mask)) return;
      var fd = ep.fd, m = DillNet.evMask[fd] | 0;
      if (m === 0) DillNet.evFds.push(fd);
      DillNet.evMask[fd] = m | (ep.watch & mask);
      DillFiber.wake();
    },

    streamOps: {
      read: function(stream, buffer, offset, length) {
        var ep = stream.node.ep;
        var n = ep.read(buffer, offset, length);
        if (n < 0) throw new FS.ErrnoError(-n);
        return n;
      },
      write: function(stream, buffer, offset, length) {
        var ep = stream.node.ep;
        var n = ep.write(buffer, offset, length);
        if (n < 0) throw new FS.ErrnoError(-n);
        return n;
      },
      poll: function(stream) {
        return stream.node.ep.pollMask();
      },
      close: function(stream) {
        stream.node.ep.close();
        stream.node.ep.fd = -1;
      },
    },

    defineEndpoints: function() {
      var IN = DillNet.IN, OUT = DillNet.OUT;
      var EAGAIN = {{{ cDefine('EAGAIN') }}}, EPIPE = {{{ cDefine('EPIPE') }}};
      var EBADF = {{{ cDefine('EBADF') }}}, ECONNRESET = {{{ cDefine('ECONNRESET') }}};

      /**
       * Base of everything behind one of our descriptors (sockets, pipes,
       * lookups): its descriptor count and mode, and who waits for it to
       * change (blocked calls, the C poller).
       */
      class Waitable {
        constructor() {
          this.fd = -1;
          this.refs = 1;          // descriptors open on it (dup, passed fds)
          this.nonblock = false;
          this.watch = 0;         // directions the C poller waits for
          this.waiters = [];      // one-shot callbacks on any state change
          this.spare = null;      // an empty array to take its place (changed())
          this.parked = null;     // a brecv from TypeScript waiting in JS (src/host.ts)
          this.parkSlot = null;   // src/host.ts's object for those, reused
        }
        /** Something changed: wake blocked callers and the C poller. */
        changed(mask) {
          var w = this.waiters;
          if (w.length) {
            // The callbacks may wait again (on the other array).
            this.waiters = this.spare || [];
            this.spare = null;
            for (var i = 0; i < w.length; i++) w[i]();
            w.length = 0;
            this.spare = w;
          }
          DillNet.notify(this, mask);
        }
        onChange(cb) { this.waiters.push(cb); }
        offChange(cb) {
          var i = this.waiters.indexOf(cb);
          if (i >= 0) this.waiters.splice(i, 1);
        }
      }

      /**
       * Base of every connected endpoint: a receive queue filled by the peer
       * and the half-close and error state of a stream socket.
       */
      class Endpoint extends Waitable {
        constructor() {
          super();
          this.rx = [];           // queued chunks (Uint8Array)
          this.rxoff = 0;         // consumed bytes of rx[0]
          this.rxlen = 0;         // unconsumed bytes in rx
          this.eof = false;       // the peer shut down its sending side
          this.reset = 0;         // pending connection error (ECONNRESET...)
          this.broken = 0;        // errno for writes: the peer cannot receive
          this.shutRd = false;    // shutdown(SHUT_RD) done here
          this.shutWr = false;    // shutdown(SHUT_WR) done here
          this.closed = false;
          this.canRead = true;    // false for the write end of a pipe
          this.canWrite = true;   // false for the read end of a pipe
        }
        /** Queue bytes for the reader (called by the peer or the network). */
        deliver(chunk) {
          this.rx.push(chunk);
          this.rxlen += chunk.length;
          this.changed(IN);
        }
        readReady() {
          return this.rxlen > 0 || this.eof || this.reset !== 0 || this.shutRd;
        }
        /** Would a receive of `len` bytes be served without waiting? */
        recvNow(len) {
          return !this.canRead || this.rxlen >= len || this.eof || this.reset !== 0 || this.shutRd;
        }
        /** Would a send of `len` bytes be taken whole without waiting? */
        sendNow(len) {
          return !this.canWrite || this.shutWr || this.broken !== 0 || this.reset !== 0 || this.room(len);
        }
        pollMask() {
          var m = 0;
          if (this.canRead && this.readReady()) m |= DILL_C.POLLIN;
          if (this.canWrite && this.writeReady()) m |= DILL_C.POLLOUT;
          // An error not yet reported, as the kernel's pending socket error
          // (a send that failed before does not count: a receiver waiting
          // for input would wake to find nothing, and wait again at once).
          if (this.reset) m |= DILL_C.POLLERR;
          if ((this.eof || this.shutRd) && (this.shutWr || this.broken))
            m |= DILL_C.POLLHUP;
          return m;
        }
        /**
         * For a brecv from TypeScript (src/host.ts), which calls this only
         * while its socket can receive: 1 if the `len` bytes were there and
         * are now in `buf`; 0 if they are to be waited for (onChange); -1 if
         * the general way must handle it (end of stream, an error, more
         * than the receive queue holds).
         */
        fastRecv(buf, len) {
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
        }
        /** Consume up to `len` received bytes (a failed brecv from TypeScript). */
        drop(len) {
          var scratch = DillNet.dropBuf || (DillNet.dropBuf = new Uint8Array(4096));
          for (var left = Math.min(len, this.rxlen); left > 0;) {
            var k = this.read(scratch, 0, Math.min(left, scratch.length));
            if (k <= 0) break;
            left -= k;
          }
        }
        /**
         * For a bsend from TypeScript, which calls this only while its
         * socket can send: sends all of buf[0, len) if the socket takes it
         * without waiting.  The count sent (len; fewer, maybe 0: the caller
         * sends the rest the general way) or -errno.
         */
        fastSend(buf, len) {
          if (!this.canWrite || this.shutWr || this.broken || this.reset || this.pendingFds ||
              !this.room(len)) return 0;
          var off = 0;
          while (off < len) {
            var r = this.write(buf, off, len - off);
            if (r === -EAGAIN) break;
            if (r < 0) return r;
            off += r;
          }
          return off;
        }
        /** Copy up to `length` received bytes; -EAGAIN if none yet. */
        read(buffer, offset, length) {
          if (!this.canRead) return -EBADF;
          if (this.rxlen === 0 || this.shutRd) {
            if (this.shutRd || this.eof) return 0;
            if (this.reset) {
              var e = this.reset;
              this.reset = 0;
              this.eof = true;
              return -e;
            }
            return length === 0 ? 0 : -EAGAIN;
          }
          var n = 0;
          while (n < length && this.rx.length) {
            var c = this.rx[0];
            if (c.fds) {
              // Descriptors arrive with their first byte, one batch per call.
              if (n > 0) break;
              // recvmsg takes them; a plain read drops them, as natively.
              if (this.wantFds) this.takenFds = c.fds;
              else DillNet.releaseHeld(c.fds);
              c.fds = null;
            }
            var k = Math.min(length - n, c.length - this.rxoff);
            // A few bytes one by one: a subarray to copy from costs more.
            if (k <= 16) {
              for (var j = 0; j < k; j++) buffer[offset + n + j] = c[this.rxoff + j];
            } else {
              buffer.set(c.subarray(this.rxoff, this.rxoff + k), offset + n);
            }
            n += k;
            this.rxoff += k;
            if (this.rxoff === c.length) {
              this.rx.shift();
              this.rxoff = 0;
              this.release(c);
            }
          }
          this.rxlen -= n;
          this.consumed();
          return n;
        }
        /** A chunk of the receive queue was consumed. */
        release(c) {}
        /** Copy received bytes without consuming them (MSG_PEEK). */
        peek(buffer, offset, length) {
          var n = 0, first = this.rxoff;
          for (var i = 0; i < this.rx.length && n < length; i++) {
            var c = this.rx[i];
            var k = Math.min(length - n, c.length - first);
            buffer.set(c.subarray(first, first + k), offset + n);
            n += k;
            first = 0;
          }
          return n;
        }
        /** Send bytes to the peer; -EAGAIN when its buffer is full. */
        write(buffer, offset, length) {
          if (!this.canWrite) return -EBADF;
          if (this.shutWr) return -EPIPE;
          if (this.reset) {
            this.broken = EPIPE;
            // AF_UNIX (and pipes): the send fails with EPIPE and the reset
            // waits for the next receive.  TCP: the send reports the reset,
            // once; the connection is closed, so receiving then meets the
            // end of the stream (it waited for input forever before: reads
            // found nothing while poll reported the error).
            if (!this.tcp) return -EPIPE;
            var e = this.reset;
            this.reset = 0;
            this.eof = true;
            return -e;
          }
          if (this.broken) return -this.broken;
          if (length === 0) return 0;
          // (A whole buffer, as from TypeScript, needs no view of itself.)
          return this.send(offset === 0 && length === buffer.length ? buffer : buffer.subarray(offset, offset + length));
        }
      }

      /** One end of a socketpair() or pipe(): the peer is in this program. */
      class LocalEnd extends Endpoint {
        constructor() {
          super();
          this.peer = null;
        }
        writeReady() {
          return this.shutWr || this.broken !== 0 || this.reset !== 0 ||
            this.peer.rxlen < DillNet.HIGH;
        }
        room(len) { return this.peer.rxlen + len <= DillNet.HIGH; }
        release(c) { DillNet.rxRelease(c); }
        send(bytes) {
          var peer = this.peer;
          var room = DillNet.HIGH - peer.rxlen;
          if (room <= 0) return -EAGAIN;
          var n = Math.min(room, bytes.length);
          // A copy (the program's memory changes once send returns): large
          // ones into a pooled buffer, which the reader gives back once it
          // consumed it (release), instead of a fresh allocation each.
          var chunk;
          if (n > DillNet.RX_COPY_MAX && n <= DillNet.RX_SIZE) {
            chunk = DillNet.rxBuffer().subarray(0, n);
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
      }

      /**
       * A connected stream socket backed by a net.Socket: AF_UNIX, or TCP
       * (AF_INET, AF_INET6).  A TCP connect in progress has no net.Socket
       * yet (`sock` null): attach() gives it one once the kernel connected.
       */
      class NetConn extends Endpoint {
        constructor(connecting) {
          super();
          this.sock = null;
          this.connecting = connecting;
          this.failed = false;
          this.soError = 0;        // getsockopt(SO_ERROR) after a failed connect
          this.path = null;        // address it connected to (getpeername)
          this.tcp = null;         // TCP: the tcp_wrap handle (addresses, options)
          this.speculate = true;   // read the kernel directly (see read())
          this.missed = 0;         // reads that gave EAGAIN since data came
          this.rxbuf = null;       // the buffer Node reads into next
          this.stopping = false;   // a readStop is due (stopSoon)
        }
        /**
         * A net.Socket for this connection, on tcp_wrap/pipe_wrap `handle`
         * or connecting to unix `path`.  Node reads from the kernel only
         * while the program waits for input: otherwise bytes stay in the
         * kernel, where the program's own reads take them directly, and
         * where closing with unread data resets the peer as natively.
         */
        static socket(conn, handle, path) {
          var o = {
            allowHalfOpen: true, readable: true, writable: true, pauseOnCreate: true,
            onread: {
              buffer: function() { return conn.rxBuffer(); },
              callback: function(n, buf) { return conn.received(n, buf); },
            },
          };
          if (handle) {
            o.handle = handle;
            return new (require('net').Socket)(o);
          }
          o.path = path;
          return require('net').connect(o);
        }
        rxBuffer() {
          if (!this.rxbuf) this.rxbuf = DillNet.rxBuffer();
          return this.rxbuf;
        }
        /** Node read n bytes into buf; false stops its reading. */
        received(n, buf) {
          var chunk;
          if (n > DillNet.RX_COPY_MAX) {
            chunk = buf.subarray(0, n);
            this.rxbuf = null;
          } else {
            // A copy (buf is read into again): byte by byte for a few.
            chunk = new Uint8Array(n);
            if (n <= 16) for (var i = 0; i < n; i++) chunk[i] = buf[i];
            else chunk.set(buf.subarray(0, n));
          }
          // Before the bytes are delivered (the program may run at once):
          // data came, and a large read suggests a stream in full flow, to
          // be read from the kernel directly again (see read()).
          this.missed = 0;
          if (n >= DillNet.SPECULATE_MIN) this.speculate = true;
          // (A parked receive waits through onChange: it counts as wanting.)
          var parked = this.parked !== null;
          var wanted = this.readWanted();
          this.deliver(chunk);
          if (this.rxlen >= DillNet.HIGH) return false;
          // Bytes nobody waited for: Node stops reading at once.
          if (!wanted) return false;
          if (this.readWanted()) return true;
          // A brecv from TypeScript waiting in JS took them (src/host.ts):
          // on TCP Node keeps reading, as the next one usually comes soon
          // (a microtask round per receive to find out costs more than the
          // rest of its trip).  Bytes that come before it stop the reading
          // (above); left unread at close, they reset the connection, as
          // natively (close()).  A unix socket cannot reset its peer so:
          // it stops reading unless the program asks again at once.
          if (parked && this.tcp) return true;
          this.stopSoon();
          return true;
        }
        /**
         * Stop Node's reading unless the program asks for input again by
         * the end of this callback's microtasks (a TypeScript caller's next
         * brecv comes from a promise continuation).  Until then libuv reads
         * nothing more: keeping it reading costs nothing, while each
         * readStop/readStart pair costs two epoll_ctl calls.
         */
        stopSoon() {
          if (this.stopping) return;
          this.stopping = true;
          var self = this, hops = 0;
          var check = function() {
            if (!self.readWanted() && !self.closed && ++hops < 8) return DillNet.hop(check);
            self.stopping = false;
            if (!self.readWanted()) self.readStop();
          };
          DillNet.hop(check);
        }
        readStop() {
          var h = this.sock && this.sock._handle;
          if (h && h.reading) {
            h.reading = false;
            h.readStop();
          }
        }
        release(c) { DillNet.rxRelease(c); }
        attach(sock) {
          this.sock = sock;
          var self = this;
          sock.on('end', function() {
            self.eof = true;
            self.changed(IN);
          });
          // Room again once the queued write reached the kernel (see send()).
          this.written = function() {
            if (--DillNet.pendingWrites === 0) DillNet.flushed();
            if (self.sock.writableLength === 0) self.changed(OUT);
          };
          sock.on('connect', function() {
            self.connecting = false;
            self.changed(IN | OUT);
          });
          sock.on('error', function(e) {
            var code = DillNet.err(e.code);
            if (self.connecting) {
              self.connecting = false;
              self.soError = code;
              self.failed = true;
              self.changed(IN | OUT);
            } else {
              self.lost(code);
            }
          });
          // A socket never keeps Node alive by itself: a C program's main
          // does (fiber.js keepAlive), pending TypeScript calls do (host.ts).
          sock.unref();
        }
        /** The connection broke (errno `code`, from Node or from the kernel). */
        lost(code) {
          if (code === EPIPE) code = ECONNRESET;
          if (!this.eof || this.rxlen === 0) this.reset = code;
          this.broken = EPIPE;
          this.changed(IN | OUT);
        }
        writeReady() {
          if (this.connecting) return false;
          return this.failed || this.shutWr || this.broken !== 0 || this.reset !== 0 ||
            this.sock.writableLength === 0;
        }
        readReady() {
          return !this.connecting && (this.failed || super.readReady());
        }
        recvNow(len) {
          return !this.connecting && (this.failed || super.recvNow(len));
        }
        fastRecv(buf, len) {
          return this.connecting || this.failed ? -1 : super.fastRecv(buf, len);
        }
        fastSend(buf, len) {
          return this.connecting || this.failed ? 0 : super.fastSend(buf, len);
        }
        sendNow(len) {
          return !this.connecting && (this.failed || super.sendNow(len));
        }
        /**
         * A send writes straight to the kernel what it takes and queues a
         * copy of the rest (at most HIGH) in Node; while that copy waits, the
         * next send waits (EAGAIN) rather than queueing more copies behind
         * it.  Once the kernel took it, the next send again goes straight
         * from wasm memory, without a copy: between two processes over a
         * unix socket that beat queueing up to HIGH by about 9% (bulk).
         */
        room(len) { return this.sock.writableLength === 0 && len <= DillNet.HIGH; }
        send(bytes) {
          if (this.connecting) return -EAGAIN;
          if (this.failed) return -{{{ cDefine('ENOTCONN') }}};
          if (this.sock.writableLength > 0) return -EAGAIN;
          var n = Math.min(DillNet.HIGH, bytes.length);
          // Straight from wasm memory to the kernel (no copy, no trip through
          // the stream machinery), as a native program does.  Only when the
          // kernel is full do the bytes go to Node's queue, whose completion
          // then signals room.
          var fd = this.osFd();
          if (fd >= 0) {
            try {
              var k = DillNet.kernelIo(DillNet.fs.writeSync, fd, bytes, 0, n);
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
          DillNet.pendingWrites++;
          var copy = DillNet.txBuffer(n);
          copy.set(bytes.subarray(0, n));
          var self = this;
          this.sock.write(copy.length === n ? copy : copy.subarray(0, n), function() {
            DillNet.txRelease(copy);
            self.written();
          });
          return n;
        }
        /**
         * The iovecs at `iov` straight to the kernel in one writev, when
         * nothing waits in Node's queue: the bytes it took (maybe fewer),
         * or 0 (the caller writes them one by one, queueing as needed).
         */
        writev(iov, iovcnt) {
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
            return DillNet.kernelIo(DillNet.fs.writevSync, fd, bufs);
          } catch (e) {
            // EAGAIN: nothing taken.  Other errors: the item-by-item writes
            // meet them again and report them.
            return 0;
          }
        }
        read(buffer, offset, length) {
          if (this.connecting) return -EAGAIN;
          if (this.failed) return -{{{ cDefine('ENOTCONN') }}};
          // Nothing buffered: read the kernel's bytes straight into wasm
          // memory rather than waiting for Node's next 'data' event.  Node
          // delivers what it read before we run, so the order is kept.
          //
          // A read that finds nothing costs about 5 us (Node throws EAGAIN
          // as an exception), more than the rest of a small message's trip.
          // So after one has found nothing, the next read waits for Node's
          // 'data' instead (request/response traffic), until a large chunk
          // shows a stream in full flow again.  A caller that gets EAGAIN
          // and asks again without waiting is read for directly, so a
          // program polling with non-blocking reads still sees its data.
          if (this.rxlen === 0 && length > 0 && !this.eof && !this.reset && !this.shutRd &&
              (this.speculate || this.missed > 0)) {
            var fd = this.osFd();
            if (fd >= 0) {
              try {
                var k = DillNet.kernelIo(DillNet.fs.readSync, fd, buffer, offset, length);
                this.missed = 0;
                if (k > 0) return k;
                this.eof = true;
                return 0;
              } catch (e) {
                // EAGAIN: nothing yet.  The kernel reports an error once, so
                // it is ours to record.
                if (e.code !== 'EAGAIN') this.lost(DillNet.err(e.code));
                else this.speculate = false;
              }
            }
          }
          var n = super.read(buffer, offset, length);
          if (n === -EAGAIN) this.missed++;
          return n;
        }
        /** The kernel descriptor under the Node socket, or -1. */
        osFd() {
          var h = this.sock && this.sock._handle;
          return h && h.fd >= 0 ? h.fd : -1;
        }
        /** Somebody waits for input (the C poller, or a blocking call). */
        readWanted() {
          return (this.watch & IN) !== 0 || this.waiters.length > 0;
        }
        /** Let Node read (and so tell us of input) while there is room. */
        wantData() {
          var s = this.sock;
          if (!s || this.rxlen >= DillNet.HIGH || s.connecting) return;
          var h = s._handle;
          if (h && !h.reading) {
            h.reading = true;
            h.readStart();
          }
        }
        onChange(cb) {
          this.waiters.push(cb);
          this.wantData();
        }
        consumed() {
          if (this.readWanted()) this.wantData();
        }
        shutdown(rd, wr) {
          if (this.connecting || this.failed) return -{{{ cDefine('ENOTCONN') }}};
          if (rd && !this.shutRd) {
            this.shutRd = true;
            this.rx = [];
            this.rxlen = 0;
            this.rxoff = 0;
          }
          if (wr && !this.shutWr) {
            this.shutWr = true;
            this.sock.end();
          }
          this.changed(IN | OUT);
          return 0;
        }
        close() {
          if (this.closed) return;
          this.closed = true;
          var sock = this.sock;
          if (!sock) {
            // A TCP connect still in progress (or failed): drop its handle.
            if (this.tcp) this.tcp.close();
            return;
          }
          // Closing with bytes unread resets a TCP connection natively (they
          // stay in the kernel unless Node read them: then do it here).
          if (this.tcp && this.rxlen > 0 && !this.shutRd && !this.broken && sock.resetAndDestroy) {
            sock.resetAndDestroy();
          // Bytes already handed to Node still go out; then the socket goes.
          } else if (sock.writableLength > 0 && !this.broken) {
            sock.end();
            sock.once('finish', function() { sock.destroy(); });
            sock.once('error', function() {});
          } else {
            sock.destroy();
          }
          this.rx = [];
          this.rxlen = 0;
        }
      }

      /** A socket() not yet connected or listening. */
      class Fresh extends Waitable {
        constructor(domain, type) {
          super();
          this.domain = domain;
          this.type = type;
          this.path = null;        // bound address
          this.opts = {};          // socket options (DillInet.sockopt)
        }
        pollMask() { return DILL_C.POLLOUT | DILL_C.POLLHUP; }
        read() { return -{{{ cDefine('ENOTCONN') }}}; }
        write() { return -{{{ cDefine('ENOTCONN') }}}; }
        close() {}
      }

      /** A listening AF_UNIX socket: a net.Server and its accept queue. */
      class Listener extends Fresh {
        constructor(fresh, server) {
          super(fresh.domain, fresh.type);
          this.fd = fresh.fd;
          this.nonblock = fresh.nonblock;
          this.path = fresh.path;
          this.server = server;
          this.queue = [];
          this.listening = false;
          var self = this;
          // Accepted connections are queued as pipe_wrap handles: accept()
          // gives them a net.Socket reading into our buffers (NetConn).
          server._handle.onconnection = function(status, handle) {
            if (status < 0 || !handle) return;
            self.queue.push(handle);
            self.changed(IN);
          };
          server.unref();
        }
        pollMask() { return this.queue.length ? DILL_C.POLLIN : 0; }
        read() { return -{{{ cDefine('EINVAL') }}}; }
        close() {
          // Connections not yet accepted are reset, as natively.
          for (var i = 0; i < this.queue.length; i++) {
            var c = this.queue[i];
            if (c instanceof LocalEnd) c.abort();
            else c.close();
          }
          this.queue = [];
          var key = DillNet.addrKey(this.path);
          if (DillNet.listeners.get(key) === this) DillNet.listeners.delete(key);
          DillNet.closeServer(this.server, this.path);
        }
      }

      DillNet.Waitable = Waitable;
      DillNet.Endpoint = Endpoint;
      DillNet.LocalEnd = LocalEnd;
      DillNet.NetConn = NetConn;
      DillNet.Fresh = Fresh;
      DillNet.Listener = Listener;
    },

    /** Two connected local endpoints, for socketpair() and pipe(). */
    localPair: function(pipe) {
      var a = new DillNet.LocalEnd(), b = new DillNet.LocalEnd();
      a.peer = b;
      b.peer = a;
      if (pipe) {
        a.canWrite = false;   // read end
        b.canRead = false;    // write end
      }
      return [a, b];
    },

    // Bytes already moved by a system call that blocked the program.
    progress: 0,

    /** Reads a struct sockaddr_un; returns the path or -errno. */
    unixPath: function(addr, addrlen) {
      if (!addr) return -{{{ cDefine('EFAULT') }}};
      if (addrlen < 2 || addrlen > 110) return -{{{ cDefine('EINVAL') }}};
      var family = HEAP16[addr >> 1];
      if (family !== DILL_C.AF_UNIX) return -{{{ cDefine('EAFNOSUPPORT') }}};
      var bytes = HEAPU8.subarray(addr + 2, addr + addrlen);
      if (bytes.length === 0) return -{{{ cDefine('EINVAL') }}};
      // Abstract names start with a NUL byte and use the whole length.
      if (bytes[0] === 0) return '\0' + Buffer.from(bytes.subarray(1)).toString('latin1');
      var end = bytes.indexOf(0);
      if (end < 0) end = bytes.length;
      if (end === 0) return -{{{ cDefine('EINVAL') }}};
      return Buffer.from(bytes.subarray(0, end)).toString('utf8');
    },

    /** Writes a struct sockaddr_un for `path` (null: unnamed). */
    writeUnixAddr: function(addr, addrlenPtr, path) {
      if (!addr || !addrlenPtr) return;
      var room = HEAP32[addrlenPtr >> 2];
      var name = path ? Buffer.from(path[0] === '\0' ? path.slice(1) : path,
                                    path[0] === '\0' ? 'latin1' : 'utf8') : Buffer.alloc(0);
      var full = Buffer.alloc(2 + name.length + (path && path[0] !== '\0' ? 1 : 0));
      full.writeUInt16LE(DILL_C.AF_UNIX, 0);
      name.copy(full, path && path[0] === '\0' ? 3 : 2);
      if (path && path[0] === '\0') full = Buffer.concat([full.subarray(0, 2), Buffer.from([0]), name]);
      HEAPU8.set(full.subarray(0, Math.max(0, Math.min(room, full.length))), addr);
      HEAP32[addrlenPtr >> 2] = full.length;
    },

    /**
     * Why bind() to `path` would fail natively, checked synchronously
     * (Node only reports listen errors through an event).
     */
    bindError: function(path) {
      if (path[0] === '\0') return 0;
      var fs = require('fs'), nodePath = require('path');
      if (Buffer.byteLength(path) > 107) return -{{{ cDefine('EINVAL') }}};
      try {
        fs.lstatSync(path);
        return -{{{ cDefine('EADDRINUSE') }}};
      } catch (e) {
        if (e.code !== 'ENOENT') return -DillNet.err(e.code);
      }
      try {
        var st = fs.statSync(nodePath.dirname(nodePath.resolve(path)));
        if (!st.isDirectory()) return -{{{ cDefine('ENOTDIR') }}};
      } catch (e) {
        return -DillNet.err(e.code);
      }
      return 0;
    },

    /**
     * Closes a unix socket server.  libuv unlinks the socket file when a
     * server closes; natively it stays until somebody removes it (a second
     * bind gets EADDRINUSE), so keep it under a hard link and put it back.
     */
    closeServer: function(server, path) {
      var fs = require('fs');
      var keep = null;
      if (path && path[0] !== '\0') {
        keep = path + '.dill-keep-' + process.pid + '-' + (DillNet.seq++);
        try { fs.linkSync(path, keep); } catch (e) { keep = null; }
      }
      server.close();
      if (keep) {
        try { fs.renameSync(keep, path); } catch (e) {
          try { fs.unlinkSync(keep); } catch (e2) {}
        }
      }
    },
    bindResult: 0,
    // This program's listeners by path: connections to them stay in-process.
    listeners: null,

    /** Registry key of a unix address: its absolute path (or abstract name). */
    addrKey: function(path) {
      return path[0] === '\0' ? path : require('path').resolve(path);
    },

    /** Our own listener on `path`, if the file there is still its socket. */
    localListener: function(path) {
      var l = DillNet.listeners.get(DillNet.addrKey(path));
      if (!l) return null;
      if (path[0] === '\0') return l;
      try {
        return require('fs').statSync(path).ino === l.ino ? l : null;
      } catch (e) {
        return null;
      }
    },

    /** A blocking connect: suspend until it succeeds or fails. */
    connectWait: function(conn) {
      if (!conn.connecting) return DillNet.connectResult(conn);
      DillFiber.blockWorld(function(resume) { conn.onChange(resume); });
      return 0;
    },

    connectResult: function(conn) {
      if (conn.connecting) return DillNet.connectWait(conn);
      conn.unreported = false;
      if (conn.failed) {
        var e = conn.soError || {{{ cDefine('ECONNREFUSED') }}};
        conn.soError = 0;
        return -e;
      }
      return 0;
    },

    // Absolute deadline of a poll() that blocked the program.
    pollDeadline: -1,

    /** send/recv with flags on one buffer; returns a count or -errno. */
    msgRw: function(ep, buf, len, flags, isWrite) {
      var iov = DillNet.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
      if (!isWrite && (flags & DILL_C.MSG_PEEK)) {
        DillFiber.rewound();
        if (ep.rxlen === 0 && !ep.eof && !ep.reset && !ep.shutRd) {
          if (nonblock) return -{{{ cDefine('EAGAIN') }}};
          DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
          return 0;
        }
        // Nothing queued: the end of the stream (0), or its reset, which a
        // peek reports (and clears) as a read does.
        if (ep.rxlen === 0) return ep.read(HEAPU8, buf, 0);
        return ep.peek(HEAPU8, buf, len);
      }
      var rc = dillRw(ep, iov, 1, iov + 8, isWrite, nonblock);
      if (rc) return -rc;
      return HEAP32[(iov + 8) >> 2];
    },

    // 12 bytes of wasm memory for one iovec and a count.
    iovPtr: 0,
    scratchIov: function() {
      if (!DillNet.iovPtr) DillNet.iovPtr = _malloc(12);
      return DillNet.iovPtr;
    },
  },

  /**
   * read/readv and write/writev on a socket or pipe.  A blocking read waits
   * for the first bytes; a blocking write sends everything.  A call that
   * blocked resumes where it stopped (DillNet.progress).
   */
  $dillRw__deps: ['$DillNet'],
  $dillRw: function(ep, iov, iovcnt, pnum, isWrite, nonblock) {
    var EAGAIN = {{{ cDefine('EAGAIN') }}};
    // As the kernel checks the iovecs: a total over SSIZE_MAX is EINVAL, a
    // buffer past the end of memory EFAULT.
    var total = 0;
    for (var v = 0; v < iovcnt; v++) {
      var vptr = HEAPU32[(iov + v * 8) >> 2], vlen = HEAPU32[(iov + v * 8 + 4) >> 2];
      total += vlen;
      if (total > 0x7fffffff) return {{{ cDefine('EINVAL') }}};
      if (vlen > 0 && vptr + vlen > HEAPU8.length) return {{{ cDefine('EFAULT') }}};
    }
    var done = DillFiber.rewound() ? DillNet.progress : 0;
    DillNet.progress = 0;
    // Several buffers to a connection: one writev to the kernel if it takes
    // them (a header and its body in one segment); the loop below writes
    // whatever it left.
    if (isWrite && iovcnt > 1 && done === 0 && ep.writev) {
      var k = ep.writev(iov, iovcnt);
      if (k > 0) done = k;
    }
    var skip = done;
    for (var i = 0; i < iovcnt; i++) {
      var ptr = HEAP32[(iov + i * 8) >> 2];
      var len = HEAP32[(iov + i * 8 + 4) >> 2];
      if (skip >= len) { skip -= len; continue; }
      var off = skip;
      skip = 0;
      while (off < len) {
        var r = isWrite ? ep.write(HEAPU8, ptr + off, len - off) :
                          ep.read(HEAPU8, ptr + off, len - off);
        if (r === -EAGAIN) {
          if (nonblock || (!isWrite && done > 0)) {
            if (done > 0) { HEAP32[pnum >> 2] = done; return 0; }
            return EAGAIN;
          }
          DillNet.progress = done;
          DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
          return 0;
        }
        if (r < 0) {
          // Report what was transferred; the error comes with the next call.
          if (done > 0) {
            if (isWrite) ep.reset = ep.reset || -r;
            HEAP32[pnum >> 2] = done;
            return 0;
          }
          return -r;
        }
        done += r;
        off += r;
        if (!isWrite && (r === 0 || off < len)) {
          HEAP32[pnum >> 2] = done;
          return 0;
        }
      }
    }
    HEAP32[pnum >> 2] = done;
    return 0;
  },

  fd_read__deps: ['$DillNet', '$dillRw', '$DillInet'],
  fd_read: function(fd, iov, iovcnt, pnum) {
    var ep = DillNet.ep(fd);
    if (ep instanceof DillInet.Datagram) {
      var d = DillInet.dgramRecv(ep, iov, iovcnt, 0, 0, 0);
      if (typeof d === 'number') return -d;
      HEAP32[pnum >> 2] = d.n;
      return 0;
    }
    if (ep) return dillRw(ep, iov, iovcnt, pnum, false, ep.nonblock);
    try {
      var stream = SYSCALLS.getStreamFromFD(fd);
      HEAP32[pnum >> 2] = SYSCALLS.doReadv(stream, iov, iovcnt);
      return 0;
    } catch (e) {
      if (!(e instanceof FS.ErrnoError)) throw e;
      return e.errno;
    }
  },

  fd_write__deps: ['$DillNet', '$dillRw', '$DillStdio', '$flush_NO_FILESYSTEM', '$DillInet'],
  fd_write: function(fd, iov, iovcnt, pnum) {
    var ep = DillNet.ep(fd);
    if (ep instanceof DillInet.Datagram) {
      var n = DillInet.dgramSend(ep, iov, iovcnt, 0, null);
      if (n < 0) return -n;
      HEAP32[pnum >> 2] = n;
      return 0;
    }
    if (ep) return dillRw(ep, iov, iovcnt, pnum, true, ep.nonblock);
    if (fd === 1 || fd === 2) return DillStdio.writev(fd, iov, iovcnt, pnum);
    try {
      var stream = SYSCALLS.getStreamFromFD(fd);
      HEAP32[pnum >> 2] = SYSCALLS.doWritev(stream, iov, iovcnt);
      return 0;
    } catch (e) {
      if (!(e instanceof FS.ErrnoError)) throw e;
      return e.errno;
    }
  },

  // NODERAWFS's FS.close does not call stream_ops.close for non-file
  // streams, so close our endpoints here.
  fd_close__deps: ['$DillNet'],
  fd_close: function(fd) {
    var stream = FS.getStream(fd);
    if (!stream) return {{{ cDefine('EBADF') }}};
    var ep = stream.node && stream.node.ep;
    if (ep) {
      FS.closeStream(fd);
      if (--ep.refs > 0) {
        if (ep.fd === fd) ep.fd = DillNet.anyFd(ep);
        return 0;
      }
      DillNet.closeEndpoint(ep, stream.node);
      return 0;
    }
    try {
      FS.close(stream);
      return 0;
    } catch (e) {
      if (!(e instanceof FS.ErrnoError)) throw e;
      return e.errno;
    }
  },

  // recv/recvfrom and send/sendto on a connected stream socket (the
  // address is ignored there, as natively) or a datagram socket.
  __syscall_recvfrom__deps: ['$DillNet', '$dillRw', '$DillInet'],
  __syscall_recvfrom: function(fd, buf, len, flags, addr, addrlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) {
      var iov = DillNet.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      var d = DillInet.dgramRecv(ep, iov, 1, flags, addr, addrlen);
      return typeof d === 'number' ? d : d.n;
    }
    if (!ep.read) return -{{{ cDefine('ENOTCONN') }}};
    return DillNet.msgRw(ep, buf, len, flags, false);
  },

  __syscall_sendto__deps: ['$DillNet', '$dillRw', '$DillInet'],
  __syscall_sendto: function(fd, buf, len, flags, addr, addrlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) {
      var dest = DillInet.dgramDest(ep, addr, addrlen);
      if (typeof dest === 'number') {
        DillFiber.rewound();
        return dest;
      }
      var iov = DillNet.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      return DillInet.dgramSend(ep, iov, 1, flags, dest);
    }
    if (!ep.write) return -{{{ cDefine('ENOTCONN') }}};
    return DillNet.msgRw(ep, buf, len, flags, true);
  },

  __syscall_dup__deps: ['$DillNet'],
  __syscall_dup: function(fd) {
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    if (stream.node && stream.node.ep) return DillNet.dupFd(stream, 0);
    return DillNet.dupOther(stream);
  },

  __syscall_dup3__deps: ['$DillNet'],
  __syscall_dup3: function(fd, newfd, flags) {
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    if (fd === newfd) return -{{{ cDefine('EINVAL') }}};
    if (newfd < 0) return -{{{ cDefine('EBADF') }}};
    if (FS.getStream(newfd)) _fd_close(newfd);
    if (stream.node && stream.node.ep) return DillNet.dupFd(stream, newfd);
    return DillNet.dupOther(stream, newfd);
  },

  /**
   * sendmsg/recvmsg: the data as send/recv; SCM_RIGHTS descriptors travel
   * with the bytes between sockets of this program.  (Node cannot pass a
   * descriptor to another process: that gives EOPNOTSUPP.)
   *
   * struct msghdr (wasm32): 0 name, 4 namelen, 8 iov, 12 iovlen, 16 control,
   * 20 controllen, 24 flags.  struct cmsghdr: 0 len, 4 level, 8 type, 12 data.
   */
  __syscall_sendmsg__deps: ['$DillNet', '$dillRw', '$DillInet'],
  __syscall_sendmsg: function(fd, msg, flags) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) {
      // One datagram of all the iovecs, to msg_name if given.
      var dest = DillInet.dgramDest(ep, HEAP32[msg >> 2], HEAP32[(msg + 4) >> 2]);
      if (typeof dest === 'number') {
        DillFiber.rewound();
        return dest;
      }
      return DillInet.dgramSend(ep, HEAP32[(msg + 8) >> 2], HEAP32[(msg + 12) >> 2], flags, dest);
    }
    if (!ep.write || ep instanceof DillNet.Fresh) return -{{{ cDefine('ENOTCONN') }}};
    var iov = HEAP32[(msg + 8) >> 2], iovlen = HEAP32[(msg + 12) >> 2];
    var control = HEAP32[(msg + 16) >> 2], clen = HEAPU32[(msg + 20) >> 2];
    var resumed = Asyncify.state === Asyncify.State.Rewinding;
    var fds = [];
    if (control && clen >= 12 && !resumed) {
      var off = 0;
      while (off + 12 <= clen) {
        var c = control + off;
        var len = HEAPU32[c >> 2];
        if (len < 12 || off + len > clen) return -{{{ cDefine('EINVAL') }}};
        if (HEAP32[(c + 4) >> 2] === DILL_C.SOL_SOCKET && HEAP32[(c + 8) >> 2] === DILL_C.SCM_RIGHTS) {
          for (var p = c + 12; p + 4 <= c + len; p += 4) {
            var st = FS.getStream(HEAP32[p >> 2]);
            if (!st) return -{{{ cDefine('EBADF') }}};
            fds.push(st);
          }
        }
        off += (len + 3) & ~3;
      }
      if (fds.length && !(ep instanceof DillNet.LocalEnd)) return -{{{ cDefine('EOPNOTSUPP') }}};
    }
    var total = 0;
    for (var i = 0; i < iovlen; i++) total += HEAP32[(iov + 8 * i + 4) >> 2];
    if (fds.length) {
      if (total === 0) return -{{{ cDefine('EINVAL') }}};
      // Attach the descriptors to the first byte sent: they stay open (and
      // counted) until the receiver takes them.
      var held = [];
      try {
        for (var j = 0; j < fds.length; j++) held.push(DillNet.holdStream(fds[j]));
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        DillNet.releaseHeld(held);
        return -e.errno;
      }
      ep.pendingFds = held;
    }
    var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
    var cnt = DillNet.scratchIov() + 8;
    var rc = dillRw(ep, iov, iovlen, cnt, true, nonblock);
    if (ep.pendingFds) {
      // Nothing went out: give the descriptors back.
      DillNet.releaseHeld(ep.pendingFds);
      ep.pendingFds = null;
    }
    if (rc) return -rc;
    return HEAP32[cnt >> 2];
  },

  __syscall_recvmsg__deps: ['$DillNet', '$dillRw', '$DillInet'],
  __syscall_recvmsg: function(fd, msg, flags) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) {
      // One datagram; MSG_TRUNC in msg_flags if it did not fit.
      var name = HEAP32[msg >> 2];
      var d = DillInet.dgramRecv(ep, HEAP32[(msg + 8) >> 2], HEAP32[(msg + 12) >> 2], flags,
                                name, name ? msg + 4 : 0);
      if (typeof d === 'number') return d;
      HEAPU32[(msg + 20) >> 2] = 0;
      HEAP32[(msg + 24) >> 2] = d.trunc ? DILL_C.MSG_TRUNC : 0;
      return d.n;
    }
    if (!ep.read || ep instanceof DillNet.Fresh) return -{{{ cDefine('ENOTCONN') }}};
    var iov = HEAP32[(msg + 8) >> 2], iovlen = HEAP32[(msg + 12) >> 2];
    var control = HEAP32[(msg + 16) >> 2], clen = HEAPU32[(msg + 20) >> 2];
    var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
    ep.takenFds = null;
    ep.wantFds = true;
    var cnt = DillNet.scratchIov() + 8;
    var rc = dillRw(ep, iov, iovlen, cnt, false, nonblock);
    ep.wantFds = false;
    var mflags = 0, used = 0;
    var taken = ep.takenFds;
    ep.takenFds = null;
    if (!rc && taken && taken.length) {
      var need = 12 + 4 * taken.length;
      if (control && clen >= need) {
        // As Linux: descriptors that find no free number are closed and
        // the message says MSG_CTRUNC.
        var got = 0;
        for (var i = 0; i < taken.length; i++) {
          var nfd = DillNet.installHeld(taken[i]);
          if (nfd < 0) {
            mflags |= DILL_C.MSG_CTRUNC;
            DillNet.releaseHeld(taken.slice(i));
            break;
          }
          HEAP32[(control + 12 + 4 * i) >> 2] = nfd;
          got++;
        }
        if (got > 0) {
          need = 12 + 4 * got;
          HEAPU32[control >> 2] = need;
          HEAP32[(control + 4) >> 2] = DILL_C.SOL_SOCKET;
          HEAP32[(control + 8) >> 2] = DILL_C.SCM_RIGHTS;
          used = (need + 3) & ~3;
        }
      } else {
        mflags |= DILL_C.MSG_CTRUNC;
        DillNet.releaseHeld(taken);
      }
    }
    if (rc) return -rc;
    HEAPU32[(msg + 20) >> 2] = used;
    HEAP32[(msg + 24) >> 2] = mflags;
    if (HEAP32[msg >> 2]) HEAP32[(msg + 4) >> 2] = 0;
    return HEAP32[cnt >> 2];
  },

  __syscall_fcntl64__deps: ['$DillNet'],
  __syscall_fcntl64: function(fd, cmd, varargs) {
    SYSCALLS.varargs = varargs;
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    var ep = stream.node && stream.node.ep;
    switch (cmd) {
      case DILL_C.F_GETFL:
        return stream.flags | (ep && ep.nonblock ? DILL_C.O_NONBLOCK : 0);
      case DILL_C.F_SETFL: {
        var arg = SYSCALLS.get();
        if (ep) ep.nonblock = !!(arg & DILL_C.O_NONBLOCK);
        var mask = DILL_C.O_APPEND | DILL_C.O_NONBLOCK;
        stream.flags = (stream.flags & ~mask) | (arg & mask);
        return 0;
      }
      case DILL_C.F_GETFD:
      case DILL_C.F_SETFD:
        return 0;
      case DILL_C.F_DUPFD: {
        var min = SYSCALLS.get();
        if (min < 0) return -{{{ cDefine('EINVAL') }}};
        if (ep) return -{{{ cDefine('EOPNOTSUPP') }}};
        try {
          return FS.open(stream.path, stream.flags, 0, min).fd;
        } catch (e) {
          if (!(e instanceof FS.ErrnoError)) throw e;
          return -e.errno;
        }
      }
      default:
        return -{{{ cDefine('EINVAL') }}};
    }
  },

  __syscall_poll__deps: ['$DillNet'],
  __syscall_poll: function(fds, nfds, timeout) {
    var resumed = DillFiber.rewound();
    var eps = [];
    var count = 0;
    for (var i = 0; i < nfds; i++) {
      var p = fds + 8 * i;
      var fd = HEAP32[p >> 2];
      var events = HEAP16[(p + 4) >> 1];
      var mask = 0;
      if (fd >= 0) {
        var stream = FS.getStream(fd);
        if (!stream) mask = DILL_C.POLLNVAL;
        else if (stream.node && stream.node.ep) {
          mask = stream.node.ep.pollMask();
          eps.push(stream.node.ep);
        } else {
          mask = stream.stream_ops && stream.stream_ops.poll ?
            stream.stream_ops.poll(stream) :
            (DILL_C.POLLIN | DILL_C.POLLOUT);
        }
        mask &= events | DILL_C.POLLERR | DILL_C.POLLHUP | DILL_C.POLLNVAL;
      }
      if (mask) count++;
      HEAP16[(p + 6) >> 1] = mask;
    }
    var now = DillFiber.now();
    if (!resumed) DillNet.pollDeadline = timeout < 0 ? -1 : now + timeout;
    var deadline = DillNet.pollDeadline;
    if (count || timeout === 0 || eps.length === 0 && deadline < 0 ||
        (deadline >= 0 && now >= deadline)) {
      return count;
    }
    DillFiber.blockWorld(function(resume) {
      var timer = null;
      function done() {
        if (timer !== null) clearTimeout(timer);
        for (var j = 0; j < eps.length; j++) eps[j].offChange(done);
        resume();
      }
      for (var j = 0; j < eps.length; j++) eps[j].onChange(done);
      if (deadline >= 0) timer = setTimeout(done, Math.max(0, deadline - DillFiber.now()));
    });
    return 0;
  },

  // The C poller (libdill/src/poller.c): readiness of a descriptor.
  // Returns -1 if fd is not open, 1 if ready for `dir` (1 in, 2 out), else 0.
  dill__js_fd_check__deps: ['$DillNet'],
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

  // For src/host.ts (libdill/host/host.c): would a send (dir 0) or receive
  // (dir 1) of `len` bytes on fd complete without waiting?
  dill__js_fd_nowait__deps: ['$DillNet'],
  dill__js_fd_nowait: function(fd, dir, len) {
    var ep = DillNet.ep(fd);
    if (!ep || !ep.recvNow) return 0;
    return (dir ? ep.recvNow(len) : ep.sendNow(len)) ? 1 : 0;
  },

  // dill_fdclean: nobody waits for fd any more (it is about to close).
  dill__js_fd_clean__deps: ['$DillNet'],
  dill__js_fd_clean: function(fd) {
    var ep = DillNet.ep(fd);
    if (!ep) return;
    ep.watch = 0;
    if (ep.parked && DillNet.onClean) DillNet.onClean(ep);
  },

  dill__js_fd_watch__deps: ['$DillNet'],
  dill__js_fd_watch: function(fd, dir, on) {
    var ep = DillNet.ep(fd);
    if (!ep) return;
    if (on) ep.watch |= dir;
    else ep.watch &= ~dir;
    if (on && (dir & DillNet.IN) && ep.wantData) ep.wantData();
  },

  // Moves up to `max` queued (fd, mask) readiness events into buf.
  dill__js_fd_events__deps: ['$DillNet'],
  dill__js_fd_events: function(buf, max) {
    var q = DillNet.evFds;
    if (q.length === 0) return 0;
    var n = Math.min(q.length, max);
    for (var i = 0; i < n; i++) {
      var fd = q[i];
      HEAP32[(buf >> 2) + 2 * i] = fd;
      HEAP32[(buf >> 2) + 2 * i + 1] = DillNet.evMask[fd];
      DillNet.evMask[fd] = 0;
    }
    if (n === q.length) q.length = 0;
    else q.splice(0, n);
    return n;
  },

  __syscall_socket__deps: ['$DillNet', '$DillInet'],
  __syscall_socket: function(domain, type, protocol) {
    var base = type & 0xf;
    var ep;
    if (domain === DILL_C.AF_UNIX) {
      if (base !== DILL_C.SOCK_STREAM) return -{{{ cDefine('EPROTONOSUPPORT') }}};
      if (protocol !== 0) return -{{{ cDefine('EPROTONOSUPPORT') }}};
      ep = new DillNet.Fresh(domain, base);
    } else if (domain === DILL_C.AF_INET || domain === DILL_C.AF_INET6) {
      if (base === DILL_C.SOCK_STREAM && (protocol === 0 || protocol === DILL_C.IPPROTO_TCP)) {
        ep = new DillNet.Fresh(domain, base);
        ep.tcp = null;           // its tcp_wrap handle, from bind() on
      } else if (base === DILL_C.SOCK_DGRAM && (protocol === 0 || protocol === DILL_C.IPPROTO_UDP)) {
        ep = new DillInet.Datagram(domain);
      } else {
        return -{{{ cDefine('EPROTONOSUPPORT') }}};
      }
    } else {
      return -{{{ cDefine('EAFNOSUPPORT') }}};
    }
    ep.nonblock = !!(type & DILL_C.SOCK_NONBLOCK);
    return DillNet.open(ep, DILL_C.S_IFSOCK | 384);
  },

  // Binding a unix socket creates its file: we start listening right away
  // (the program is suspended until Node has bound the path, so errors come
  // from bind() itself); connections are accepted once listen() is called.
  __syscall_bind__deps: ['$DillNet', '$DillInet'],
  __syscall_bind: function(fd, addr, addrlen) {
    var resumed = DillFiber.rewound();
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    var stream = FS.getStream(fd);
    if (resumed) return DillNet.bindResult;
    // AF_INET, AF_INET6: the kernel answers at once (tcp_wrap, udp_wrap).
    if (ep instanceof DillInet.Datagram || DillInet.isInetFresh(ep)) {
      if (ep.udp || ep.tcp) return -{{{ cDefine('EINVAL') }}};
      var a = DillInet.inetAddr(addr, addrlen, ep.domain);
      if (typeof a === 'number') return a;
      return ep instanceof DillInet.Datagram ? ep.bindTo(a) : DillInet.tcpBind(ep, a);
    }
    if (ep.domain !== undefined && ep.domain !== DILL_C.AF_UNIX) return -{{{ cDefine('EINVAL') }}};
    if (!(ep instanceof DillNet.Fresh) || ep.path !== null || ep instanceof DillNet.Listener)
      return -{{{ cDefine('EINVAL') }}};
    var path = DillNet.unixPath(addr, addrlen);
    if (typeof path === 'number') return path;
    var e = DillNet.bindError(path);
    if (e) return e;
    var server = require('net').createServer({ allowHalfOpen: true, pauseOnConnect: true });
    DillFiber.blockWorld(function(resume) {
      function done(rc) {
        server.removeAllListeners('listening');
        server.removeAllListeners('error');
        DillNet.bindResult = rc;
        if (rc === 0) {
          ep.path = path;
          var l = new DillNet.Listener(ep, server);
          stream.node.ep = l;
          l.ino = path[0] === '\0' ? 0 : require('fs').statSync(path).ino;
          DillNet.listeners.set(DillNet.addrKey(path), l);
        }
        resume();
      }
      server.once('listening', function() { done(0); });
      server.once('error', function(err) { done(-DillNet.err(err.code)); });
      server.listen({ path: path, backlog: 511 });
    });
    return 0;
  },

  __syscall_listen__deps: ['$DillNet', '$DillInet'],
  __syscall_listen: function(fd, backlog) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) return -{{{ cDefine('EOPNOTSUPP') }}};
    if (ep instanceof DillInet.TcpListener) return 0;
    if (DillInet.isInetFresh(ep)) {
      // Unbound: natively listen() binds an ephemeral port on every address.
      if (!ep.tcp) {
        var v6 = ep.domain === DILL_C.AF_INET6;
        var e = DillInet.tcpBind(ep, { v6: v6, ip: v6 ? '::' : '0.0.0.0', port: 0 });
        if (e) return e;
      }
      var err = ep.tcp.listen(backlog > 0 ? backlog : 1);
      if (err) return -DillInet.uvErr(err);
      var l = new DillInet.TcpListener(ep);
      FS.getStream(fd).node.ep = l;
      return 0;
    }
    if (!(ep instanceof DillNet.Listener)) return -{{{ cDefine('EINVAL') }}};
    ep.listening = true;
    if (ep.queue.length) ep.changed(DillNet.IN);
    return 0;
  },

  __syscall_accept4__deps: ['$DillNet', '$DillInet'],
  __syscall_accept4: function(fd, addr, addrlen, flags) {
    DillFiber.rewound();
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) return -{{{ cDefine('EOPNOTSUPP') }}};
    if (ep instanceof DillInet.TcpListener) {
      if (flags & ~(DILL_C.SOCK_NONBLOCK | DILL_C.SOCK_CLOEXEC)) return -{{{ cDefine('EINVAL') }}};
      if (!ep.queue.length) {
        if (ep.nonblock) return -{{{ cDefine('EAGAIN') }}};
        DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
        return 0;
      }
      if (!DillNet.fdsFree(1)) return -{{{ cDefine('EMFILE') }}};
      var conn = DillInet.tcpAccepted(ep, ep.queue.shift());
      conn.nonblock = !!(flags & DILL_C.SOCK_NONBLOCK);
      var nfd = DillNet.open(conn, DILL_C.S_IFSOCK | 384);
      DillInet.writeInetAddr(addr, addrlen, DillInet.handleName(conn.tcp, ep.domain, true));
      return nfd;
    }
    if (!(ep instanceof DillNet.Listener) || !ep.listening) return -{{{ cDefine('EINVAL') }}};
    if (flags & ~(DILL_C.SOCK_NONBLOCK | DILL_C.SOCK_CLOEXEC)) return -{{{ cDefine('EINVAL') }}};
    if (!ep.queue.length) {
      if (ep.nonblock) return -{{{ cDefine('EAGAIN') }}};
      DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
      return 0;
    }
    // Natively the connection stays in the backlog for a later accept.
    if (!DillNet.fdsFree(1)) return -{{{ cDefine('EMFILE') }}};
    var item = ep.queue.shift();
    var conn;
    if (item instanceof DillNet.LocalEnd) {
      conn = item;
    } else {
      conn = new DillNet.NetConn(false);
      conn.attach(DillNet.NetConn.socket(conn, item, null));
    }
    conn.nonblock = !!(flags & DILL_C.SOCK_NONBLOCK);
    var nfd = DillNet.open(conn, DILL_C.S_IFSOCK | 384);
    DillNet.writeUnixAddr(addr, addrlen, null);
    return nfd;
  },

  __syscall_connect__deps: ['$DillNet', '$DillInet'],
  __syscall_connect: function(fd, addr, addrlen) {
    var resumed = DillFiber.rewound();
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    var stream = FS.getStream(fd);
    if (ep instanceof DillNet.NetConn) {
      if (ep.connecting) return ep.nonblock && !resumed ? -{{{ cDefine('EALREADY') }}} : DillNet.connectWait(ep);
      if (resumed) return DillNet.connectResult(ep);
      // As Linux: the first connect after a non-blocking TCP connect has
      // succeeded reports it (0); only the next ones are EISCONN.
      if (ep.unreported && !ep.failed) {
        ep.unreported = false;
        return 0;
      }
      return ep.failed ? -{{{ cDefine('ECONNREFUSED') }}} : -{{{ cDefine('EISCONN') }}};
    }
    if (ep instanceof DillInet.Datagram) {
      // Sets (or, with AF_UNSPEC, clears) the default destination; the
      // kernel then filters datagrams from other sources.
      DillFiber.rewound();
      if (addr && addrlen >= 2 && HEAPU16[addr >> 1] === 0) {
        if (ep.peer) ep.udp.disconnect();
        ep.peer = null;
        return 0;
      }
      var a = DillInet.inetAddr(addr, addrlen, ep.domain);
      if (typeof a === 'number') return a;
      var e = ep.ensureBound();
      if (e) return e;
      var err = a.v6 ? ep.udp.connect6(a.ip, a.port) : ep.udp.connect(a.ip, a.port);
      if (err) return -DillInet.uvErr(err);
      ep.peer = a;
      return 0;
    }
    if (ep instanceof DillNet.Listener || ep instanceof DillInet.TcpListener || !(ep instanceof DillNet.Fresh))
      return -{{{ cDefine('EISCONN') }}};
    if (DillInet.isInetFresh(ep)) {
      // TCP: always through the kernel, even to this program's listeners.
      var ta = DillInet.inetAddr(addr, addrlen, ep.domain);
      if (typeof ta === 'number') return ta;
      var tconn = DillInet.tcpConnect(ep, stream, ta);
      if (typeof tconn === 'number') return tconn;
      if (tconn.nonblock) {
        tconn.unreported = true;
        return -{{{ cDefine('EINPROGRESS') }}};
      }
      return DillNet.connectWait(tconn);
    }
    if (ep.path !== null) return -{{{ cDefine('EINVAL') }}};
    var path = DillNet.unixPath(addr, addrlen);
    if (typeof path === 'number') return path;
    var l = DillNet.localListener(path);
    if (l) {
      // A listener of this program: connect in-process, at once.
      if (!l.listening) return -{{{ cDefine('ECONNREFUSED') }}};
      var pair = DillNet.localPair(false);
      pair[0].fd = ep.fd;
      pair[0].nonblock = ep.nonblock;
      pair[0].path = path;
      stream.node.ep = pair[0];
      l.queue.push(pair[1]);
      l.changed(DillNet.IN);
      return 0;
    }
    var conn = new DillNet.NetConn(true);
    conn.attach(DillNet.NetConn.socket(conn, null, path));
    conn.fd = ep.fd;
    conn.nonblock = ep.nonblock;
    conn.path = path;
    stream.node.ep = conn;
    if (conn.nonblock) return -{{{ cDefine('EINPROGRESS') }}};
    return DillNet.connectWait(conn);
  },

  __syscall_getsockopt__deps: ['$DillNet', '$DillInet'],
  __syscall_getsockopt: function(fd, level, optname, optval, optlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    // A pipe end is not a socket.
    if (ep instanceof DillNet.Endpoint && (!ep.canRead || !ep.canWrite)) return -{{{ cDefine('ENOTSOCK') }}};
    if (!optval || !optlen || HEAP32[optlen >> 2] < 4) return -{{{ cDefine('EINVAL') }}};
    var v = DillInet.sockopt(ep, level, optname, null);
    if (v < 0) return v;
    HEAP32[optval >> 2] = v;
    HEAP32[optlen >> 2] = 4;
    return 0;
  },

  /**
   * setsockopt (libdill/src/posix.c forwards to it: Emscripten's own
   * __syscall_setsockopt is a C stub).  Options kept: SO_REUSEADDR (any
   * socket), TCP_NODELAY (TCP), IPV6_V6ONLY (AF_INET6, before bind).
   * Returns 0 or -errno.
   */
  dill__js_setsockopt__deps: ['$DillNet', '$DillInet'],
  dill__js_setsockopt: function(fd, level, optname, optval, optlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (!optval || optlen < 4) return -{{{ cDefine('EINVAL') }}};
    var r = DillInet.sockopt(ep, level, optname, HEAP32[optval >> 2] ? 1 : 0);
    return r < 0 ? r : 0;
  },

  __syscall_getsockname__deps: ['$DillNet', '$DillInet'],
  __syscall_getsockname: function(fd, addr, addrlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep.domain === DILL_C.AF_INET || ep.domain === DILL_C.AF_INET6) {
      DillInet.writeInetAddr(addr, addrlen, DillInet.handleName(ep.tcp || ep.udp, ep.domain, false));
      return 0;
    }
    DillNet.writeUnixAddr(addr, addrlen, ep instanceof DillNet.Fresh ? ep.path : null);
    return 0;
  },

  __syscall_getpeername__deps: ['$DillNet', '$DillInet'],
  __syscall_getpeername: function(fd, addr, addrlen) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillInet.Datagram) {
      if (!ep.peer) return -{{{ cDefine('ENOTCONN') }}};
      DillInet.writeInetAddr(addr, addrlen, { v6: ep.peer.v6, address: ep.peer.ip, port: ep.peer.port });
      return 0;
    }
    if (ep instanceof DillNet.NetConn && ep.tcp) {
      if (ep.connecting || ep.failed) return -{{{ cDefine('ENOTCONN') }}};
      var o = {};
      if (ep.tcp.getpeername(o) !== 0) return -{{{ cDefine('ENOTCONN') }}};
      DillInet.writeInetAddr(addr, addrlen, { v6: o.family === 'IPv6' || o.family === 6, address: o.address, port: o.port });
      return 0;
    }
    if (!(ep instanceof DillNet.NetConn) && !(ep instanceof DillNet.LocalEnd))
      return -{{{ cDefine('ENOTCONN') }}};
    if (ep.connecting || ep.failed) return -{{{ cDefine('ENOTCONN') }}};
    DillNet.writeUnixAddr(addr, addrlen, ep.path || null);
    return 0;
  },

  dill__js_socketpair__deps: ['$DillNet'],
  dill__js_socketpair: function(domain, type, protocol, sv) {
    if (domain !== DILL_C.AF_UNIX) return -{{{ cDefine('EAFNOSUPPORT') }}};
    var base = type & 0xf;
    if (base !== DILL_C.SOCK_STREAM) return -{{{ cDefine('EPROTONOSUPPORT') }}};
    if (protocol !== 0) return -{{{ cDefine('EPROTONOSUPPORT') }}};
    if (!sv) return -{{{ cDefine('EFAULT') }}};
    if (!DillNet.fdsFree(2)) return -{{{ cDefine('EMFILE') }}};
    var eps = DillNet.localPair(false);
    var mode = DILL_C.S_IFSOCK | 384;
    for (var i = 0; i < 2; i++) {
      eps[i].nonblock = !!(type & DILL_C.SOCK_NONBLOCK);
      HEAP32[(sv >> 2) + i] = DillNet.open(eps[i], mode);
    }
    return 0;
  },

  __syscall_pipe__deps: ['dill__js_pipe2'],
  __syscall_pipe: function(fdPtr) {
    return _dill__js_pipe2(fdPtr, 0);
  },

  dill__js_pipe2__deps: ['$DillNet'],
  dill__js_pipe2: function(fdPtr, flags) {
    if (!fdPtr) return -{{{ cDefine('EFAULT') }}};
    if (flags & ~(DILL_C.O_NONBLOCK | DILL_C.SOCK_CLOEXEC)) return -{{{ cDefine('EINVAL') }}};
    if (!DillNet.fdsFree(2)) return -{{{ cDefine('EMFILE') }}};
    var eps = DillNet.localPair(true);
    eps[0].nonblock = eps[1].nonblock = !!(flags & DILL_C.O_NONBLOCK);
    var mode = DILL_C.S_IFIFO | 384;
    HEAP32[fdPtr >> 2] = DillNet.open(eps[0], mode);
    HEAP32[(fdPtr >> 2) + 1] = DillNet.open(eps[1], mode);
    return 0;
  },

  dill__js_shutdown__deps: ['$DillNet'],
  dill__js_shutdown: function(fd, how) {
    var ep = DillNet.sock(fd);
    if (typeof ep === 'number') return ep;
    if (how !== 0 && how !== 1 && how !== 2) return -{{{ cDefine('EINVAL') }}};
    if (!ep.shutdown) return -{{{ cDefine('ENOTCONN') }}};
    ep.shutdown(how === 0 || how === 2, how === 1 || how === 2);
    return 0;
  },
});
