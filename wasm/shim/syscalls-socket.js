/**
 * libdill-wasm: the socket system calls for the socket shim (an Emscripten
 * JS library): socket, bind, listen, accept, connect, socket options and
 * names, socketpair, pipe and shutdown.  Each finds the endpoint behind the
 * descriptor (fds.js) and does what its kind does; bind, listen and connect
 * replace a DillFresh with the endpoint it becomes.
 */
mergeInto(LibraryManager.library, {
  // Helpers of accept() and connect().
  $DillSysSocket__deps: ['$DILL_C', '$DillFds', '$DillFiber'],
  $DillSysSocket: {
    /**
     * What accept() checks of a listener (TCP or unix) before it takes a
     * connection: 1 when one is queued and a descriptor is free; else what
     * the call returns (-errno, or 0 once it blocked the program: the call
     * is made again).  Natively a connection refused for EMFILE stays in
     * the backlog for a later accept, as here.
     */
    acceptReady: function(ep, flags) {
      if (flags & ~(DILL_C.SOCK_NONBLOCK | DILL_C.SOCK_CLOEXEC)) return -{{{ cDefine('EINVAL') }}};
      if (!ep.queue.length) {
        if (ep.nonblock) return -{{{ cDefine('EAGAIN') }}};
        DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
        return 0;
      }
      if (!DillFds.fdsFree(1)) return -{{{ cDefine('EMFILE') }}};
      return 1;
    },

    /** A blocking connect: suspend until it succeeds or fails. */
    connectWait: function(conn) {
      if (!conn.connecting) return DillSysSocket.connectResult(conn);
      DillFiber.blockWorld(function(resume) { conn.onChange(resume); });
      return 0;
    },

    connectResult: function(conn) {
      if (conn.connecting) return DillSysSocket.connectWait(conn);
      conn.unreported = false;
      if (conn.failed) {
        var e = conn.soError || {{{ cDefine('ECONNREFUSED') }}};
        conn.soError = 0;
        return -e;
      }
      return 0;
    },
  },

  __syscall_socket__deps: ['$DILL_C', '$DillDatagram', '$DillFds', '$DillFresh'],
  __syscall_socket: function(domain, type, protocol) {
    var base = type & 0xf;
    var ep;
    if (domain === DILL_C.AF_UNIX) {
      if (base !== DILL_C.SOCK_STREAM) return -{{{ cDefine('EPROTONOSUPPORT') }}};
      if (protocol !== 0) return -{{{ cDefine('EPROTONOSUPPORT') }}};
      ep = new DillFresh(domain, base);
    } else if (domain === DILL_C.AF_INET || domain === DILL_C.AF_INET6) {
      if (base === DILL_C.SOCK_STREAM && (protocol === 0 || protocol === DILL_C.IPPROTO_TCP)) {
        ep = new DillFresh(domain, base);
        ep.tcp = null;           // its tcp_wrap handle, from bind() on
      } else if (base === DILL_C.SOCK_DGRAM && (protocol === 0 || protocol === DILL_C.IPPROTO_UDP)) {
        ep = new DillDatagram(domain);
      } else {
        return -{{{ cDefine('EPROTONOSUPPORT') }}};
      }
    } else {
      return -{{{ cDefine('EAFNOSUPPORT') }}};
    }
    ep.nonblock = !!(type & DILL_C.SOCK_NONBLOCK);
    return DillFds.open(ep, DILL_C.S_IFSOCK | 384);
  },

  // Binding a unix socket creates its file and starts its server at once,
  // suspending the program (DillUnixListener.bind): the call then comes
  // back (resumed) for the result.
  __syscall_bind__deps: ['$FS', '$DILL_C', '$DillDatagram', '$DillFds', '$DillFiber', '$DillFresh', '$DillInet',
                         '$DillUnix', '$DillUnixListener'],
  __syscall_bind: function(fd, addr, addrlen) {
    var resumed = DillFiber.rewound();
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    var stream = FS.getStream(fd);
    if (resumed) return DillUnix.bindResult;
    // AF_INET, AF_INET6: the kernel answers at once (tcp_wrap, udp_wrap).
    if (ep instanceof DillDatagram || DillInet.isInetFresh(ep)) {
      if (ep.udp || ep.tcp) return -{{{ cDefine('EINVAL') }}};
      var a = DillInet.inetAddr(addr, addrlen, ep.domain);
      if (typeof a === 'number') return a;
      return ep instanceof DillDatagram ? ep.bindTo(a) : DillInet.tcpBind(ep, a);
    }
    if (ep.domain !== undefined && ep.domain !== DILL_C.AF_UNIX) return -{{{ cDefine('EINVAL') }}};
    if (!(ep instanceof DillFresh) || ep.path !== null || ep instanceof DillUnixListener)
      return -{{{ cDefine('EINVAL') }}};
    var path = DillUnix.unixPath(addr, addrlen);
    if (typeof path === 'number') return path;
    var e = DillUnix.bindError(path);
    if (e) return e;
    return DillUnixListener.bind(ep, stream, path);
  },

  __syscall_listen__deps: ['$FS', '$DILL_C', '$DillDatagram', '$DillFds', '$DillInet', '$DillNet',
                           '$DillTcpListener', '$DillUnixListener'],
  __syscall_listen: function(fd, backlog) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) return -{{{ cDefine('EOPNOTSUPP') }}};
    if (ep instanceof DillTcpListener) return 0;
    if (DillInet.isInetFresh(ep)) {
      // Unbound: natively listen() binds an ephemeral port on every address.
      if (!ep.tcp) {
        var v6 = ep.domain === DILL_C.AF_INET6;
        var e = DillInet.tcpBind(ep, { v6: v6, ip: v6 ? '::' : '0.0.0.0', port: 0 });
        if (e) return e;
      }
      var err = ep.tcp.listen(backlog > 0 ? backlog : 1);
      if (err) return -DillInet.uvErr(err);
      var l = new DillTcpListener(ep);
      FS.getStream(fd).node.ep = l;
      return 0;
    }
    if (!(ep instanceof DillUnixListener)) return -{{{ cDefine('EINVAL') }}};
    ep.listening = true;
    if (ep.queue.length) ep.changed(DillNet.IN);
    return 0;
  },

  __syscall_accept4__deps: ['$DILL_C', '$DillDatagram', '$DillFds', '$DillFiber', '$DillInet',
                            '$DillLocalEnd', '$DillNetConn', '$DillSysSocket', '$DillTcpListener',
                            '$DillUnix', '$DillUnixListener'],
  __syscall_accept4: function(fd, addr, addrlen, flags) {
    DillFiber.rewound();
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) return -{{{ cDefine('EOPNOTSUPP') }}};
    var ready;
    if (ep instanceof DillTcpListener) {
      if ((ready = DillSysSocket.acceptReady(ep, flags)) !== 1) return ready;
      var conn = DillInet.tcpAccepted(ep, ep.queue.shift());
      conn.nonblock = !!(flags & DILL_C.SOCK_NONBLOCK);
      var nfd = DillFds.open(conn, DILL_C.S_IFSOCK | 384);
      DillInet.writeInetAddr(addr, addrlen, DillInet.handleName(conn.tcp, ep.domain, true));
      return nfd;
    }
    if (!(ep instanceof DillUnixListener) || !ep.listening) return -{{{ cDefine('EINVAL') }}};
    if ((ready = DillSysSocket.acceptReady(ep, flags)) !== 1) return ready;
    var item = ep.queue.shift();
    var conn;
    if (item instanceof DillLocalEnd) {
      conn = item;
    } else {
      conn = new DillNetConn(false);
      conn.attach(conn.nodeSocket(item, null));
    }
    conn.nonblock = !!(flags & DILL_C.SOCK_NONBLOCK);
    var nfd = DillFds.open(conn, DILL_C.S_IFSOCK | 384);
    DillUnix.writeUnixAddr(addr, addrlen, null);
    return nfd;
  },

  __syscall_connect__deps: ['$FS', '$DillDatagram', '$DillFds', '$DillFiber', '$DillFresh', '$DillInet',
                            '$DillLocalEnd', '$DillNet', '$DillNetConn', '$DillSysSocket',
                            '$DillTcpListener', '$DillUnix', '$DillUnixListener'],
  __syscall_connect: function(fd, addr, addrlen) {
    var resumed = DillFiber.rewound();
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    var stream = FS.getStream(fd);
    if (ep instanceof DillNetConn) {
      if (ep.connecting) return ep.nonblock && !resumed ? -{{{ cDefine('EALREADY') }}} : DillSysSocket.connectWait(ep);
      if (resumed) return DillSysSocket.connectResult(ep);
      // As Linux: the first connect after a non-blocking TCP connect has
      // succeeded reports it (0); only the next ones are EISCONN.
      if (ep.unreported && !ep.failed) {
        ep.unreported = false;
        return 0;
      }
      return ep.failed ? -{{{ cDefine('ECONNREFUSED') }}} : -{{{ cDefine('EISCONN') }}};
    }
    if (ep instanceof DillDatagram) {
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
    if (ep instanceof DillUnixListener || ep instanceof DillTcpListener || !(ep instanceof DillFresh))
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
      return DillSysSocket.connectWait(tconn);
    }
    if (ep.path !== null) return -{{{ cDefine('EINVAL') }}};
    var path = DillUnix.unixPath(addr, addrlen);
    if (typeof path === 'number') return path;
    var l = DillUnix.localListener(path);
    if (l) {
      // A listener of this program: connect in-process, at once.
      if (!l.listening) return -{{{ cDefine('ECONNREFUSED') }}};
      var pair = DillLocalEnd.pair(false);
      pair[0].fd = ep.fd;
      pair[0].nonblock = ep.nonblock;
      pair[0].path = path;
      stream.node.ep = pair[0];
      l.queue.push(pair[1]);
      l.changed(DillNet.IN);
      return 0;
    }
    var conn = new DillNetConn(true);
    conn.attach(conn.nodeSocket(null, path));
    conn.fd = ep.fd;
    conn.nonblock = ep.nonblock;
    conn.path = path;
    stream.node.ep = conn;
    if (conn.nonblock) return -{{{ cDefine('EINPROGRESS') }}};
    return DillSysSocket.connectWait(conn);
  },

  __syscall_getsockopt__deps: ['$DillEndpoint', '$DillFds', '$DillInet'],
  __syscall_getsockopt: function(fd, level, optname, optval, optlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    // A pipe end is not a socket.
    if (ep instanceof DillEndpoint && (!ep.canRead || !ep.canWrite)) return -{{{ cDefine('ENOTSOCK') }}};
    if (!optval || !optlen || HEAP32[optlen >> 2] < 4) return -{{{ cDefine('EINVAL') }}};
    var v = DillInet.sockopt(ep, level, optname, null);
    if (v < 0) return v;
    HEAP32[optval >> 2] = v;
    HEAP32[optlen >> 2] = 4;
    return 0;
  },

  /**
   * setsockopt (libdill/src/platform/posix.c forwards to it: Emscripten's own
   * __syscall_setsockopt is a C stub).  Options kept: SO_REUSEADDR (any
   * socket), TCP_NODELAY (TCP), IPV6_V6ONLY (AF_INET6, before bind).
   * Returns 0 or -errno.
   */
  dill__js_setsockopt__deps: ['$DillFds', '$DillInet'],
  dill__js_setsockopt: function(fd, level, optname, optval, optlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (!optval || optlen < 4) return -{{{ cDefine('EINVAL') }}};
    var r = DillInet.sockopt(ep, level, optname, HEAP32[optval >> 2] ? 1 : 0);
    return r < 0 ? r : 0;
  },

  __syscall_getsockname__deps: ['$DILL_C', '$DillFds', '$DillFresh', '$DillInet', '$DillUnix'],
  __syscall_getsockname: function(fd, addr, addrlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep.domain === DILL_C.AF_INET || ep.domain === DILL_C.AF_INET6) {
      DillInet.writeInetAddr(addr, addrlen, DillInet.handleName(ep.tcp || ep.udp, ep.domain, false));
      return 0;
    }
    DillUnix.writeUnixAddr(addr, addrlen, ep instanceof DillFresh ? ep.path : null);
    return 0;
  },

  __syscall_getpeername__deps: ['$DillDatagram', '$DillFds', '$DillInet', '$DillLocalEnd', '$DillNetConn',
                                '$DillUnix'],
  __syscall_getpeername: function(fd, addr, addrlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) {
      if (!ep.peer) return -{{{ cDefine('ENOTCONN') }}};
      DillInet.writeInetAddr(addr, addrlen, { v6: ep.peer.v6, address: ep.peer.ip, port: ep.peer.port });
      return 0;
    }
    if (ep instanceof DillNetConn && ep.tcp) {
      if (ep.connecting || ep.failed) return -{{{ cDefine('ENOTCONN') }}};
      var o = {};
      if (ep.tcp.getpeername(o) !== 0) return -{{{ cDefine('ENOTCONN') }}};
      DillInet.writeInetAddr(addr, addrlen, { v6: o.family === 'IPv6' || o.family === 6, address: o.address, port: o.port });
      return 0;
    }
    if (!(ep instanceof DillNetConn) && !(ep instanceof DillLocalEnd))
      return -{{{ cDefine('ENOTCONN') }}};
    if (ep.connecting || ep.failed) return -{{{ cDefine('ENOTCONN') }}};
    DillUnix.writeUnixAddr(addr, addrlen, ep.path || null);
    return 0;
  },

  dill__js_socketpair__deps: ['$DILL_C', '$DillFds', '$DillLocalEnd'],
  dill__js_socketpair: function(domain, type, protocol, sv) {
    if (domain !== DILL_C.AF_UNIX) return -{{{ cDefine('EAFNOSUPPORT') }}};
    var base = type & 0xf;
    if (base !== DILL_C.SOCK_STREAM) return -{{{ cDefine('EPROTONOSUPPORT') }}};
    if (protocol !== 0) return -{{{ cDefine('EPROTONOSUPPORT') }}};
    if (!sv) return -{{{ cDefine('EFAULT') }}};
    if (!DillFds.fdsFree(2)) return -{{{ cDefine('EMFILE') }}};
    var eps = DillLocalEnd.pair(false);
    var mode = DILL_C.S_IFSOCK | 384;
    for (var i = 0; i < 2; i++) {
      eps[i].nonblock = !!(type & DILL_C.SOCK_NONBLOCK);
      HEAP32[(sv >> 2) + i] = DillFds.open(eps[i], mode);
    }
    return 0;
  },

  __syscall_pipe__deps: ['dill__js_pipe2'],
  __syscall_pipe: function(fdPtr) {
    return _dill__js_pipe2(fdPtr, 0);
  },

  dill__js_pipe2__deps: ['$DILL_C', '$DillFds', '$DillLocalEnd'],
  dill__js_pipe2: function(fdPtr, flags) {
    if (!fdPtr) return -{{{ cDefine('EFAULT') }}};
    if (flags & ~(DILL_C.O_NONBLOCK | DILL_C.SOCK_CLOEXEC)) return -{{{ cDefine('EINVAL') }}};
    if (!DillFds.fdsFree(2)) return -{{{ cDefine('EMFILE') }}};
    var eps = DillLocalEnd.pair(true);
    eps[0].nonblock = eps[1].nonblock = !!(flags & DILL_C.O_NONBLOCK);
    var mode = DILL_C.S_IFIFO | 384;
    HEAP32[fdPtr >> 2] = DillFds.open(eps[0], mode);
    HEAP32[(fdPtr >> 2) + 1] = DillFds.open(eps[1], mode);
    return 0;
  },

  dill__js_shutdown__deps: ['$DillFds'],
  dill__js_shutdown: function(fd, how) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (how !== 0 && how !== 1 && how !== 2) return -{{{ cDefine('EINVAL') }}};
    if (!ep.shutdown) return -{{{ cDefine('ENOTCONN') }}};
    ep.shutdown(how === 0 || how === 2, how === 1 || how === 2);
    return 0;
  },
});
