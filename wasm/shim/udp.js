/**
 * libdill-wasm: UDP sockets (AF_INET, AF_INET6) for the socket shim (an
 * Emscripten JS library): DillDatagram, a socket on a udp_wrap handle, and
 * what the system calls do with one (DillUdp: a datagram in, a datagram
 * out, its destination).
 */
mergeInto(LibraryManager.library, {
  $dillDatagramClass__deps: ['$DillWaitable', '$DillInet', '$DillUdp', '$DillNet', '$DillPoller',
                             '$DillNodeInternals', '$DILL_C'],
  $dillDatagramClass: function() {
    var IN = DillNet.IN, OUT = DillNet.OUT;
    var EAGAIN = {{{ cDefine('EAGAIN') }}};
    /**
     * A UDP socket (AF_INET, AF_INET6) on a udp_wrap handle.  Datagrams
     * are received as they arrive into a queue bounded like the kernel's
     * receive buffer (DGRAM_RX bytes; more are dropped, as natively), and
     * sent at once when the kernel takes them, else queued in Node (at
     * most HIGH bytes: then sends give EAGAIN or block).
     */
    return class Datagram extends DillWaitable {
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
        var udp = new (DillNodeInternals.binding('udp_wrap').UDP)();
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
          if (self.rxbytes + cost > DillUdp.DGRAM_RX) return;
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
        var req = new (DillNodeInternals.binding('udp_wrap').SendWrap)();
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
          DillPoller.pendingWrites++;
          req.oncomplete = function() {
            self.txbytes -= len;
            if (--DillPoller.pendingWrites === 0) DillPoller.flushed();
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
    };
  },
  $DillDatagram__deps: ['$dillDatagramClass'],
  $DillDatagram: '=dillDatagramClass()',

  $DillUdp__deps: ['$DillInet', '$DillFiber', '$DILL_C'],
  $DillUdp: {
    // Bytes of datagrams a UDP socket queues for the program (like the
    // kernel's receive buffer); more are dropped.
    DGRAM_RX: 256 * 1024,

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
