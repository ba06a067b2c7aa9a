/**
 * libdill-wasm: the descriptor table of the socket shim (an Emscripten JS
 * library).  Each of our descriptors (socket, pipe end, lookup, TLS engine)
 * is an FS stream whose node carries its endpoint object (`node.ep`, with
 * `ep.refs` descriptors open on it and `ep.fd` one of them); what lives
 * here: opening, duplicating, passing (SCM_RIGHTS) and closing them.
 */
mergeInto(LibraryManager.library, {
  $DillFds__deps: ['$FS', '$DILL_C'],
  $DillFds__postset: function() { addAtInit('DillFds.init();'); },
  $DillFds: {
    root: null,
    seq: 0,
    fs: null,

    init: function() {
      DillFds.fs = require('fs');
      DillFds.root = FS.mount(DillFds.fsType, {}, null);
    },

    fsType: {
      mount: function() {
        return FS.createNode(null, '/', DILL_C.S_IFDIR | 511, 0);
      },
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

    /**
     * A new FS stream for endpoint `ep`: its fd, or -EMFILE when the
     * descriptor table is full (FS.MAX_OPEN_FDS); `ep` is then left alone.
     */
    open: function(ep, mode) {
      var node = FS.createNode(DillFds.root, 'dill' + (DillFds.seq++), mode, 0);
      node.ep = ep;
      var stream;
      try {
        stream = FS.createStream({
          path: node.name,
          node: node,
          flags: DILL_C.O_RDWR,
          seekable: false,
          stream_ops: DillFds.streamOps,
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

    /** Some open descriptor of `ep` (for readiness events), or -1. */
    anyFd: function(ep) {
      for (var i = 0; i < FS.streams.length; i++) {
        var st = FS.streams[i];
        if (st && st.node && st.node.ep === ep) return i;
      }
      return -1;
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
          stream_ops: DillFds.streamOps,
        }, minFd);
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        return -e.errno;
      }
      stream.node.ep.refs++;
      return ns.fd;
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
      copy.seekable = stream.seekable && DillFds.fs.fstatSync(copy.nfd).isFile();
      return copy;
    },

    /** dup/dup3 of a stream that is not one of our sockets. */
    dupOther: function(stream, fd) {
      try {
        return DillFds.reopen(stream, fd).fd;
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        return -e.errno;
      }
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
      return DillFds.reopen(stream);
    },

    /** The receiver takes a held descriptor: a new fd for it, or -EMFILE. */
    installHeld: function(stream) {
      if (stream.node && stream.node.ep) {
        var fd = DillFds.dupFd(stream, 0);
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
        else if (--ep.refs === 0) DillFds.closeEndpoint(ep, streams[i].node);
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
      DillFds.dropNode(node);
    },

    /** Destroys an FS node of ours once (tls.js drops its own early). */
    dropNode: function(node) {
      if (!node || node.dropped) return;
      node.dropped = true;
      FS.destroyNode(node);
    },
  },
});
