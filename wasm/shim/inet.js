/**
 * libdill-wasm: AF_INET and AF_INET6 sockets for the socket shim (an
 * Emscripten JS library): socket addresses and options, and TCP's bind,
 * connect and accept.
 *
 * TCP runs on Node's internal tcp_wrap binding and UDP on udp_wrap
 * (node-internals.js): unlike the public net and dgram APIs, they answer
 * bind, listen and connect at once, so the system calls report their own
 * errors.  A connected TCP socket becomes a DillNetConn (netconn.js, the
 * unix-socket connection code: direct kernel reads and writes, half-close,
 * resets, pushback); what is here and in tcp-listener.js and udp.js is what
 * only IP sockets have.
 */
mergeInto(LibraryManager.library, {
  $DillInet__deps: ['$DillNet', '$DillNetConn', '$DillFresh', '$DillDatagram', '$DillTcpListener',
                    '$DillUnixListener', '$DillNodeInternals', '$DILL_C'],
  $DillInet: {
    /** This build's errno for a libuv status (negative Linux errno). */
    uvErr: function(status) {
      return DillNet.err(require('util').getSystemErrorName(status));
    },

    /** Dotted text of 4 address bytes. */
    ip4Str: function(b) {
      return b[0] + '.' + b[1] + '.' + b[2] + '.' + b[3];
    },

    /** Text of 16 address bytes, as eight groups (inet_pton reads it). */
    ip6Str: function(b) {
      var g = [];
      for (var i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
      return g.join(':');
    },

    /** Bytes (4 or 16, network order) of an address in text, or null. */
    ipBytes: function(str) {
      // A receiver hears the same few peers over and over: the last
      // answer is kept (callers only read it).
      if (str === DillInet.lastIp) return DillInet.lastBytes;
      var bytes = DillInet.parseIp(str);
      DillInet.lastIp = str;
      DillInet.lastBytes = bytes;
      return bytes;
    },
    lastIp: null,
    lastBytes: null,
    parseIp: function(str) {
      var net = DillInet.net || (DillInet.net = require('net'));
      if (net.isIPv4(str)) return Uint8Array.from(str.split('.').map(Number));
      if (!net.isIPv6(str)) return null;
      var s = str.replace(/%.*$/, '');
      var tail4 = null;
      var m = s.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
      if (m) {
        s = m[1] + '0:0';
        tail4 = m[2].split('.').map(Number);
      }
      var halves = s.split('::');
      var head = halves[0] ? halves[0].split(':') : [];
      var tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
      var zeros = [];
      for (var z = head.length + tail.length; z < 8; z++) zeros.push('0');
      var groups = head.concat(zeros, tail);
      var out = new Uint8Array(16);
      for (var i = 0; i < 8; i++) {
        var v = parseInt(groups[i], 16);
        out[2 * i] = v >> 8;
        out[2 * i + 1] = v & 255;
      }
      if (tail4) out.set(tail4, 12);
      return out;
    },

    /**
     * Reads a struct sockaddr_in (16 bytes: family, port in network order,
     * 4 address bytes) or sockaddr_in6 (28: family, port, flowinfo, 16
     * address bytes, scope id) for a socket of `domain`, checked as Linux
     * does: {v6, ip, port} or -errno.
     */
    inetAddr: function(addr, addrlen, domain) {
      if (!addr) return -{{{ cDefine('EFAULT') }}};
      var v6 = domain === DILL_C.AF_INET6;
      if (addrlen < (v6 ? 24 : 16)) return -{{{ cDefine('EINVAL') }}};
      if (HEAPU16[addr >> 1] !== domain) return -{{{ cDefine('EAFNOSUPPORT') }}};
      var port = (HEAPU8[addr + 2] << 8) | HEAPU8[addr + 3];
      var ip = v6 ? DillInet.ip6Str(HEAPU8.subarray(addr + 8, addr + 24)) :
                    DillInet.ip4Str(HEAPU8.subarray(addr + 4, addr + 8));
      return { v6: v6, ip: ip, port: port };
    },

    /**
     * Writes the struct sockaddr_in/in6 of `a` ({address text, port, v6}),
     * truncated to the caller's *addrlenPtr, and stores the full length.
     */
    writeInetAddr: function(addr, addrlenPtr, a) {
      if (!addr || !addrlenPtr) return;
      // Built in a scratch array (one per datagram received otherwise).
      var len = a.v6 ? 28 : 16;
      var full = DillInet.sockaddrScratch || (DillInet.sockaddrScratch = new Uint8Array(28));
      full.fill(0);
      var family = a.v6 ? DILL_C.AF_INET6 : DILL_C.AF_INET;
      full[0] = family & 255;
      full[1] = family >> 8;
      full[2] = a.port >> 8;
      full[3] = a.port & 255;
      var bytes = DillInet.ipBytes(a.address);
      if (bytes && bytes.length === 16 && !a.v6) bytes = bytes.subarray(12);
      if (bytes) full.set(bytes, a.v6 ? 8 : 4);
      var room = Math.max(0, Math.min(HEAP32[addrlenPtr >> 2], len));
      HEAPU8.set(full.subarray(0, room), addr);
      HEAP32[addrlenPtr >> 2] = len;
    },
    sockaddrScratch: null,
    net: null,

    /** The local address of a tcp_wrap/udp_wrap handle (none: the wildcard). */
    handleName: function(handle, domain, peer) {
      var o = {};
      if (!handle || (peer ? handle.getpeername(o) : handle.getsockname(o)) !== 0 || !o.address) {
        var v6 = domain === DILL_C.AF_INET6;
        return { v6: v6, address: v6 ? '::' : '0.0.0.0', port: 0 };
      }
      return { v6: o.family === 'IPv6' || o.family === 6, address: o.address, port: o.port };
    },

    /** An AF_INET or AF_INET6 stream socket (not connected). */
    isInetFresh: function(ep) {
      return ep instanceof DillFresh && ep.domain !== DILL_C.AF_UNIX;
    },

    /**
     * Gets (value null) or sets a socket option; returns its value or
     * -errno, with Linux's errors for options of the wrong protocol.
     */
    sockopt: function(ep, level, optname, value) {
      var opts = ep.opts || (ep.opts = {});
      var ENOPROTOOPT = {{{ cDefine('ENOPROTOOPT') }}};
      var inet = ep.domain === DILL_C.AF_INET || ep.domain === DILL_C.AF_INET6;
      var tcp = inet && !(ep instanceof DillDatagram);
      if (level === DILL_C.SOL_SOCKET) {
        if (optname === DILL_C.SO_ERROR && value === null) {
          var e = ep.soError || ep.error || 0;
          ep.soError = 0;
          if (ep instanceof DillDatagram) ep.error = 0;
          return e;
        }
        if (optname === DILL_C.SO_TYPE && value === null)
          return ep instanceof DillDatagram ? DILL_C.SOCK_DGRAM : ep.type || DILL_C.SOCK_STREAM;
        // Connections of socketpair() and unix connects carry no domain.
        if (optname === DILL_C.SO_DOMAIN && value === null) return ep.domain || DILL_C.AF_UNIX;
        if (optname === DILL_C.SO_ACCEPTCONN && value === null)
          return ep instanceof DillTcpListener || (ep instanceof DillUnixListener && ep.listening) ? 1 : 0;
        if (optname === DILL_C.SO_REUSEADDR) {
          if (value !== null) opts.reuseaddr = value;
          return opts.reuseaddr || 0;
        }
        return -ENOPROTOOPT;
      }
      if (level === DILL_C.IPPROTO_TCP) {
        if (!inet) return -{{{ cDefine('EOPNOTSUPP') }}};
        if (!tcp || optname !== DILL_C.TCP_NODELAY) return -ENOPROTOOPT;
        if (value !== null) {
          opts.nodelay = value;
          if (ep.tcp) ep.tcp.setNoDelay(!!value);
        }
        return opts.nodelay || 0;
      }
      if (level === DILL_C.IPPROTO_IPV6) {
        if (ep.domain !== DILL_C.AF_INET6 || optname !== DILL_C.IPV6_V6ONLY) return -ENOPROTOOPT;
        if (value !== null) {
          // The kernel takes it only before the socket is bound.
          if (ep.tcp || ep.udp) return -{{{ cDefine('EINVAL') }}};
          opts.v6only = value;
        }
        return opts.v6only || 0;
      }
      return -ENOPROTOOPT;
    },

    /** A new tcp_wrap handle with the socket's options; never keeps Node alive. */
    newTcp: function(ep) {
      var TCPW = DillNodeInternals.binding('tcp_wrap');
      var h = new TCPW.TCP(TCPW.constants.SOCKET);
      if (ep.opts.nodelay) h.setNoDelay(true);
      h.unref();
      return h;
    },

    /** bind() of a TCP socket: 0 or -errno. */
    tcpBind: function(ep, a) {
      if (ep.tcp) return -{{{ cDefine('EINVAL') }}};
      var h = DillInet.newTcp(ep);
      // libuv sets SO_REUSEADDR on every TCP socket it binds, so binding a
      // port that a listener already uses succeeds here and the second
      // listen() fails with EADDRINUSE: what Linux does when the program
      // set SO_REUSEADDR itself (without it, bind fails natively).
      var err = a.v6 ? h.bind6(a.ip, a.port, ep.opts.v6only ? 1 : 0) : h.bind(a.ip, a.port);
      if (err) {
        h.close();
        return -DillInet.uvErr(err);
      }
      ep.tcp = h;
      return 0;
    },

    /**
     * connect() of a TCP socket: starts the connection from its tcp_wrap
     * handle (the bound one, so a bound socket connects from its address
     * and port), replacing the endpoint of `stream` with a connecting
     * NetConn.  Returns it, or -errno when the kernel refused at once.
     */
    tcpConnect: function(ep, stream, a) {
      var h = ep.tcp || DillInet.newTcp(ep);
      var req = new (DillNodeInternals.binding('tcp_wrap').TCPConnectWrap)();
      var conn = new DillNetConn(true);
      req.oncomplete = function(status) {
        if (conn.closed) return;
        conn.connecting = false;
        if (status < 0) {
          conn.failed = true;
          conn.soError = DillInet.uvErr(status);
        } else {
          conn.attach(conn.nodeSocket(h, null));
        }
        conn.changed(DillNet.IN | DillNet.OUT);
      };
      var err = a.v6 ? h.connect6(req, a.ip, a.port) : h.connect(req, a.ip, a.port);
      if (err) {
        if (!ep.tcp) h.close();
        return -DillInet.uvErr(err);
      }
      conn.tcp = h;
      conn.fd = ep.fd;
      conn.nonblock = ep.nonblock;
      conn.watch = ep.watch;
      conn.domain = ep.domain;
      conn.opts = ep.opts;
      stream.node.ep = conn;
      return conn;
    },

    /** Wraps an accepted tcp_wrap handle of listener `l` as a NetConn. */
    tcpAccepted: function(l, handle) {
      var conn = new DillNetConn(false);
      conn.attach(conn.nodeSocket(handle, null));
      conn.tcp = handle;
      conn.domain = l.domain;
      // As on Linux, the new socket inherits the listener's options.
      conn.opts = { reuseaddr: l.opts.reuseaddr, nodelay: l.opts.nodelay };
      if (conn.opts.nodelay) handle.setNoDelay(true);
      return conn;
    },
  },
});
