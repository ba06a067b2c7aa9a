/**
 * libdill-wasm: AF_INET and AF_INET6 sockets for the POSIX layer of
 * wasm/shim/sockets.js (an Emscripten JS library).
 *
 * TCP runs on Node's internal tcp_wrap binding and UDP on udp_wrap: unlike
 * the public net and dgram APIs, they answer bind, listen and connect at
 * once, so the system calls report their own errors.  A connected TCP
 * socket becomes a NetConn of sockets.js (the unix-socket connection code:
 * direct kernel reads and writes, half-close, resets, pushback); what is
 * here is what only IP sockets have: the listening socket, datagram
 * sockets, socket addresses and options.
 */
mergeInto(LibraryManager.library, {
  $DillInet__deps: ['$DillNet', '$DILL_C'],
  // After DillNet.init (a dependency's initializer runs first): the classes
  // extend sockets.js's.
  $DillInet__postset: function() { addAtInit('DillInet.init();'); },
  $DillInet: {
    TcpListener: null,
    Datagram: null,

    init: function() {
      var IN = DillNet.IN, OUT = DillNet.OUT;
      var EAGAIN = {{{ cDefine('EAGAIN') }}};

      /**
       * A listening TCP socket: its tcp_wrap handle accepts connections as
       * the kernel completes them (Node's own net.Server does the same).
       */
      class TcpListener extends DillNet.Fresh {
        constructor(fresh) {
          super(fresh.domain, fresh.type);
          this.fd = fresh.fd;
          this.nonblock = fresh.nonblock;
          this.watch = fresh.watch;
          this.opts = fresh.opts;
          this.tcp = fresh.tcp;
          this.queue = [];         // tcp_wrap handles of connections not accepted yet
          var self = this;
          this.tcp.onconnection = function(status, handle) {
            if (status < 0 || !handle) return;
            // Queued connections do not keep Node alive either.
            handle.unref();
            self.queue.push(handle);
            self.changed(IN);
          };
        }
        pollMask() { return this.queue.length ? DILL_C.POLLIN : 0; }
        read() { return -{{{ cDefine('EINVAL') }}}; }
        close() {
          for (var i = 0; i < this.queue.length; i++) this.queue[i].close();
          this.queue = [];
          this.tcp.close();
        }
      }

      /**
       * A UDP socket (AF_INET, AF_INET6) on a udp_wrap handle.  Datagrams
       * are received as they arrive into a queue bounded like the kernel's
       * receive buffer (DGRAM_RX bytes; more are dropped, as natively), and
       * sent at once when the kernel takes them, else queued in Node (at
       * most HIGH bytes: then sends give EAGAIN or block).
       */
      class Datagram extends DillNet.Waitable {
        constructor(domain) {
          super();
          this.domain = domain;
          this.type = DILL_C.SOCK_DGRAM;
          this.opts = {};
          this.udp = null;         // udp_wrap handle, once bound
          this.peer = null;        // connect()ed destination (DillInet.inetAddr)
          this.rx = [];            // {data, address, port, v6}, oldest first
          this.rxbytes = 0;        // accounted size of rx
          this.txbytes = 0;        // bytes waiting in Node's send queue
          this.error = 0;          // asynchronous error (ICMP) for the next call
          this.closed = false;
          this.arrived = false;    // datagrams came this turn (see bindTo)
          var self = this;
          this.announce = function() {
            self.arrived = false;
            if (!self.closed) self.changed(IN);
          };
        }
        pollMask() {
          var m = 0;
          if (this.rx.length || this.error) m |= DILL_C.POLLIN;
          if (this.txbytes < DillNet.HIGH) m |= DILL_C.POLLOUT;
          if (this.error) m |= DILL_C.POLLERR;
          return m;
        }
        /** bind() to `a` (DillInet.inetAddr); 0 or -errno, from the kernel. */
        bindTo(a) {
          if (this.udp) return -{{{ cDefine('EINVAL') }}};
          var udp = new (DillInet.udpWrap().UDP)();
          var flags = (this.opts.reuseaddr ? 4 : 0) |          // UV_UDP_REUSEADDR
                      (a.v6 && this.opts.v6only ? 1 : 0);      // UV_UDP_IPV6ONLY
          var err = a.v6 ? udp.bind6(a.ip, a.port, flags) : udp.bind(a.ip, a.port, flags);
          if (err) {
            udp.close();
            return -DillInet.uvErr(err);
          }
          var self = this;
          udp.onmessage = function(nread, handle, buf, rinfo) {
            if (self.closed) return;
            if (nread < 0) {
              // An ICMP error (connected socket): reported by the next call.
              self.error = DillInet.uvErr(nread);
              self.changed(IN);
              return;
            }
            // Kernel-like accounting: a datagram costs more than its bytes,
            // so that a flood of empty ones is bounded too.
            var cost = buf.length + 256;
            if (self.rxbytes + cost > DillInet.DGRAM_RX) return;
            self.rx.push({
              data: buf, address: rinfo.address, port: rinfo.port,
              v6: rinfo.family === 'IPv6' || rinfo.family === 6, cost: cost,
            });
            self.rxbytes += cost;
            // Tell the program once per turn of the event loop, after Node
            // has read every datagram waiting (up to 32 a turn): it then
            // takes them all in one run instead of one wake-up each.
            if (!self.arrived) {
              self.arrived = true;
              setImmediate(self.announce);
            }
          };
          udp.recvStart();
          udp.unref();
          this.udp = udp;
          return 0;
        }
        /** Natively, a socket that sends or connects unbound gets an ephemeral port. */
        ensureBound() {
          if (this.udp) return 0;
          var v6 = this.domain === DILL_C.AF_INET6;
          return this.bindTo({ v6: v6, ip: v6 ? '::' : '0.0.0.0', port: 0 });
        }
        /** Send one datagram (a Buffer of our own) to `dest` or the peer. */
        sendDgram(buf, dest) {
          if (!dest && !this.peer) return -{{{ cDefine('EDESTADDRREQ') }}};
          var max = this.domain === DILL_C.AF_INET6 ? 65527 : 65507;
          if (buf.length > max) return -{{{ cDefine('EMSGSIZE') }}};
          if (this.txbytes >= DillNet.HIGH) return -EAGAIN;
          var e = this.ensureBound();
          if (e) return e;
          var req = new (DillInet.udpWrap().SendWrap)();
          req.buf = buf;           // keep it alive while queued
          var err = !dest ? this.udp.send(req, [buf], 1, true) :
            dest.v6 ? this.udp.send6(req, [buf], 1, dest.port, dest.ip, true) :
                      this.udp.send(req, [buf], 1, dest.port, dest.ip, true);
          if (err < 0) return -DillInet.uvErr(err);
          // err >= 1: the kernel took it at once (Node returns length + 1).
          if (err === 0) {
            // Queued in Node (the kernel's send buffer is full).
            var self = this, len = buf.length;
            this.txbytes += len;
            DillNet.pendingWrites++;
            req.oncomplete = function() {
              self.txbytes -= len;
              if (--DillNet.pendingWrites === 0) DillNet.flushed();
              if (self.closed) {
                if (self.txbytes === 0) self.udp.close();
              } else {
                self.changed(OUT);
              }
            };
          }
          return buf.length;
        }
        read() { return -EAGAIN; }
        write() { return -EAGAIN; }
        close() {
          if (this.closed) return;
          this.closed = true;
          this.rx = [];
          this.rxbytes = 0;
          // Datagrams the program was told are sent still go out.
          if (this.udp && this.txbytes === 0) this.udp.close();
        }
      }

      DillInet.TcpListener = TcpListener;
      DillInet.Datagram = Datagram;
    },

    // Bytes of datagrams a UDP socket queues for the program (like the
    // kernel's receive buffer); more are dropped.
    DGRAM_RX: 256 * 1024,
    tcpBinding: null,
    udpBinding: null,

    /**
     * Node's internal tcp_wrap binding: unlike the public net API, bind,
     * listen and connect report their errors synchronously (negative Linux
     * errno), as the system calls must.
     */
    tcpWrap: function() {
      if (!DillInet.tcpBinding) DillInet.tcpBinding = process.binding('tcp_wrap');
      return DillInet.tcpBinding;
    },

    /** The same for UDP (dgram reports bind errors through events). */
    udpWrap: function() {
      if (!DillInet.udpBinding) DillInet.udpBinding = process.binding('udp_wrap');
      return DillInet.udpBinding;
    },

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
      return ep instanceof DillNet.Fresh && ep.domain !== DILL_C.AF_UNIX;
    },

    /**
     * Gets (value null) or sets a socket option; returns its value or
     * -errno, with Linux's errors for options of the wrong protocol.
     */
    sockopt: function(ep, level, optname, value) {
      var opts = ep.opts || (ep.opts = {});
      var ENOPROTOOPT = {{{ cDefine('ENOPROTOOPT') }}};
      var inet = ep.domain === DILL_C.AF_INET || ep.domain === DILL_C.AF_INET6;
      var tcp = inet && !(ep instanceof DillInet.Datagram);
      if (level === DILL_C.SOL_SOCKET) {
        if (optname === DILL_C.SO_ERROR && value === null) {
          var e = ep.soError || ep.error || 0;
          ep.soError = 0;
          if (ep instanceof DillInet.Datagram) ep.error = 0;
          return e;
        }
        if (optname === DILL_C.SO_TYPE && value === null)
          return ep instanceof DillInet.Datagram ? DILL_C.SOCK_DGRAM : ep.type || DILL_C.SOCK_STREAM;
        // Connections of socketpair() and unix connects carry no domain.
        if (optname === DILL_C.SO_DOMAIN && value === null) return ep.domain || DILL_C.AF_UNIX;
        if (optname === DILL_C.SO_ACCEPTCONN && value === null)
          return ep instanceof DillInet.TcpListener || (ep instanceof DillNet.Listener && ep.listening) ? 1 : 0;
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
      var TCPW = DillInet.tcpWrap();
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
      var req = new (DillInet.tcpWrap().TCPConnectWrap)();
      var conn = new DillNet.NetConn(true);
      req.oncomplete = function(status) {
        if (conn.closed) return;
        conn.connecting = false;
        if (status < 0) {
          conn.failed = true;
          conn.soError = DillInet.uvErr(status);
        } else {
          conn.attach(DillNet.NetConn.socket(conn, h, null));
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
      var conn = new DillNet.NetConn(false);
      conn.attach(DillNet.NetConn.socket(conn, handle, null));
      conn.tcp = handle;
      conn.domain = l.domain;
      // As on Linux, the new socket inherits the listener's options.
      conn.opts = { reuseaddr: l.opts.reuseaddr, nodelay: l.opts.nodelay };
      if (conn.opts.nodelay) handle.setNoDelay(true);
      return conn;
    },

    /**
     * Receives one datagram into the iovecs: at most their size is copied
     * (the rest is discarded), the sender's address goes to `name` (a
     * sockaddr of *namelenPtr bytes).  Returns {n, full, trunc} ({n} is
     * the real length with MSG_TRUNC, as on Linux), or -errno.  A blocking
     * call with nothing queued suspends the program (the import retries).
     */
    dgramRecv: function(ep, iov, iovcnt, flags, name, namelenPtr) {
      DillFiber.rewound();
      if (!ep.rx.length) {
        if (ep.error) {
          var e = ep.error;
          ep.error = 0;
          return -e;
        }
        if (ep.nonblock || (flags & DILL_C.MSG_DONTWAIT)) return -{{{ cDefine('EAGAIN') }}};
        DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
        return 0;
      }
      var d = ep.rx[0];
      if (!(flags & DILL_C.MSG_PEEK)) {
        ep.rx.shift();
        ep.rxbytes -= d.cost;
      }
      var copied = 0;
      for (var i = 0; i < iovcnt && copied < d.data.length; i++) {
        var ptr = HEAP32[(iov + i * 8) >> 2];
        var len = HEAP32[(iov + i * 8 + 4) >> 2];
        var k = Math.min(len, d.data.length - copied);
        HEAPU8.set(d.data.subarray(copied, copied + k), ptr);
        copied += k;
      }
      if (name) DillInet.writeInetAddr(name, namelenPtr, d);
      var trunc = copied < d.data.length;
      return { n: (flags & DILL_C.MSG_TRUNC) ? d.data.length : copied, trunc: trunc };
    },

    /**
     * Sends the iovecs as one datagram to `dest` (null: the connected
     * peer).  Returns the length or -errno; a blocking socket whose send
     * queue is full suspends the program.
     */
    dgramSend: function(ep, iov, iovcnt, flags, dest) {
      DillFiber.rewound();
      var total = 0;
      for (var i = 0; i < iovcnt; i++) total += HEAP32[(iov + i * 8 + 4) >> 2];
      var buf = Buffer.allocUnsafe(total), off = 0;
      for (var j = 0; j < iovcnt; j++) {
        var ptr = HEAP32[(iov + j * 8) >> 2];
        var len = HEAP32[(iov + j * 8 + 4) >> 2];
        buf.set(HEAPU8.subarray(ptr, ptr + len), off);
        off += len;
      }
      var r = ep.sendDgram(buf, dest);
      if (r === -{{{ cDefine('EAGAIN') }}} && !ep.nonblock && !(flags & DILL_C.MSG_DONTWAIT)) {
        DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
        return 0;
      }
      return r;
    },

    /** Destination of sendto/sendmsg on a datagram socket: null, {..} or -errno. */
    dgramDest: function(ep, addr, addrlen) {
      if (!addr || addrlen === 0) return null;
      return DillInet.inetAddr(addr, addrlen, ep.domain);
    },
  },
});
