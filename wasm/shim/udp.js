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
     * most HIGH bytes: then sends give EAGAIN or block).  Under a flood,
     * receives that do not want the sender's address read the kernel
     * directly once the queue is empty (DillUdp.direct).
     */
    return class Datagram extends DillWaitable {
      constructor(domain) {
        super();
        this.domain = domain;
        this.type = DILL_C.SOCK_DGRAM;
        this.opts = {};
        this.udp = null;         // udp_wrap handle, once bound
        this.peer = null;        // connect()ed destination (DillInet.inetAddr)
        // Received datagrams, oldest first, in rx[rxhead, rxtail): two
        // entries each, the bytes (a Buffer) and Node's rinfo {address,
        // family, port}, as udp_wrap gave them (no record made per
        // datagram).  Emptied, the array is reused from its start (setting
        // its length is a call into V8's runtime).
        this.rx = [];
        this.rxhead = 0;
        this.rxtail = 0;
        this.rxbytes = 0;        // accounted size of rx
        this.txbytes = 0;        // bytes waiting in Node's send queue
        this.txReq = null;       // a SendWrap free for the next send
        this.txScratch = null;   // a Buffer free for the next send (dgramSend)
        this.txList = null;      // the list of one buffer udp_wrap's send takes
        this.error = 0;          // asynchronous error (ICMP) for the next call
        this.closed = false;
        this.arrived = false;    // datagrams came this turn (see bindTo)
        this.turn = 0;           // how many Node delivered this turn
        this.speculate = false;  // read the kernel directly (DillUdp.direct)
        var self = this;
        this.announce = function() {
          self.arrived = false;
          // Node read a batch in one turn: the kernel had a backlog, so
          // more probably waits there (a flood).
          if (self.turn >= DillUdp.SPECULATE_DGRAMS) self.speculate = true;
          self.turn = 0;
          if (!self.closed) self.changed(IN);
        };
      }
      pollMask() {
        var m = 0;
        if (this.rxhead < this.rxtail || this.error) m |= DILL_C.POLLIN;
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
          var cost = buf.length + DillUdp.DGRAM_COST;
          if (self.rxbytes + cost > DillUdp.DGRAM_RX) return;
          var t = self.rxtail;
          self.rx[t] = buf;
          self.rx[t + 1] = rinfo;
          self.rxtail = t + 2;
          self.rxbytes += cost;
          self.turn++;
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
        // A send the kernel takes at once leaves the request object and the
        // buffer untouched (Node wraps the request only to queue it): both
        // serve the next send.  The one-item list is only read during the call.
        var req = this.txReq || new (DillNodeInternals.binding('udp_wrap').SendWrap)();
        this.txReq = null;
        this.txScratch = null;
        var list = this.txList || (this.txList = [null]);
        list[0] = buf;
        var err = !dest ? this.udp.send(req, list, 1, true) :
          dest.v6 ? this.udp.send6(req, list, 1, dest.port, dest.ip, true) :
                    this.udp.send(req, list, 1, dest.port, dest.ip, true);
        list[0] = null;
        if (err < 0) return -DillInet.uvErr(err);
        // err >= 1: the kernel took it at once (Node returns length + 1).
        if (err >= 1) {
          this.txReq = req;
          this.txScratch = buf;
        } else {
          req.buf = buf;         // keep it alive while queued
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
        this.rxhead = this.rxtail = 0;
        this.rxbytes = 0;
        // Datagrams the program was told are sent still go out.
        if (this.udp && this.txbytes === 0) this.udp.close();
      }
    };
  },
  $DillDatagram__deps: ['$dillDatagramClass'],
  $DillDatagram: '=dillDatagramClass()',

  $DillUdp__deps: ['$DillInet', '$DillFiber', '$DillKernel', '$DillNet', '$DillNodeInternals', '$DILL_C'],
  $DillUdp: {
    // Bytes of datagrams a UDP socket queues for the program (like the
    // kernel's receive buffer); more are dropped.
    DGRAM_RX: 256 * 1024,
    // What a queued datagram costs beyond its bytes (as the kernel counts
    // its buffer's overhead): a flood of empty ones is bounded too.
    DGRAM_COST: 256,

    /**
     * Receives one datagram into the iovecs: at most their size is copied
     * (the rest is discarded), the sender's address goes to `name` (a
     * sockaddr of *namelenPtr bytes).  Returns {n, trunc} ({n} is
     * the real length with MSG_TRUNC, as on Linux), or -errno.  A blocking
     * call with nothing queued suspends the program (the import retries).
     */
    dgramRecv: function(ep, iov, iovcnt, flags, name, namelenPtr) {
      DillFiber.rewound();
      var rx = ep.rx, head = ep.rxhead;
      if (head === ep.rxtail) {
        if (ep.error) {
          var e = ep.error;
          ep.error = 0;
          return -e;
        }
        // Everything Node read is taken: under a flood, the next datagram
        // is read from the kernel directly (it is newer than any Node
        // read, so the order is kept), unless its sender is wanted.
        if (ep.speculate && !name && !(flags & DILL_C.MSG_PEEK)) {
          var k = DillUdp.direct(ep);
          if (k >= 0) return DillUdp.copyOut(DillUdp.scratch, k, iov, iovcnt, flags);
          if (k < -1) return k;
        }
        if (ep.nonblock || (flags & DILL_C.MSG_DONTWAIT)) return -{{{ cDefine('EAGAIN') }}};
        DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
        return 0;
      }
      var data = rx[head], info = rx[head + 1], size = data.length;
      if (!(flags & DILL_C.MSG_PEEK)) {
        ep.rxbytes -= size + DillUdp.DGRAM_COST;
        rx[head] = rx[head + 1] = null;
        head += 2;
        if (head === ep.rxtail) {
          head = ep.rxtail = 0;
        } else if (head >= 4096) {
          // Never emptied (the program always a datagram behind): the
          // few queued move to the front rather than the array growing.
          var live = ep.rxtail - head;
          rx.copyWithin(0, head, ep.rxtail);
          rx.fill(null, live, ep.rxtail);
          ep.rxtail = live;
          head = 0;
        }
        ep.rxhead = head;
      }
      if (name) DillUdp.writeFrom(name, namelenPtr, info);
      return DillUdp.copyOut(data, size, iov, iovcnt, flags);
    },
    res: null,

    /**
     * Copies the first `size` bytes of `data` (a datagram) to the iovecs,
     * at most their size (the rest is discarded).  Returns {n, trunc}:
     * {n} is the real length with MSG_TRUNC, as on Linux.
     */
    copyOut: function(data, size, iov, iovcnt, flags) {
      var copied = 0;
      if (iovcnt === 1 && HEAP32[(iov + 4) >> 2] >= size) {
        // The common case: one buffer that holds it all.
        HEAPU8.set(size === data.length ? data : data.subarray(0, size), HEAP32[iov >> 2]);
        copied = size;
      } else {
        for (var i = 0; i < iovcnt && copied < size; i++) {
          var ptr = HEAP32[(iov + i * 8) >> 2];
          var len = HEAP32[(iov + i * 8 + 4) >> 2];
          var k = Math.min(len, size - copied);
          HEAPU8.set(data.subarray(copied, copied + k), ptr);
          copied += k;
        }
      }
      // One result object, reused: the callers read it at once.
      var res = DillUdp.res || (DillUdp.res = { n: 0, trunc: false });
      res.n = (flags & DILL_C.MSG_TRUNC) ? size : copied;
      res.trunc = copied < size;
      return res;
    },

    // A turn in which Node delivers this many datagrams to a socket (libuv
    // reads up to 32 a turn) shows a flood: its receives then read the
    // kernel directly until it has nothing (DillUdp.direct).
    SPECULATE_DGRAMS: 8,
    // The buffer direct reads land in (as large as a datagram can be):
    // only then is a datagram longer than the caller's buffer known to be.
    scratch: null,

    /**
     * Reads the next datagram from the kernel into DillUdp.scratch, without
     * its sender: one system call, where udp_wrap's delivery costs a turn
     * of the event loop, a Buffer and a JS object per datagram.  Returns
     * its length, -1 if none is there (the kernel's EAGAIN, thrown by
     * Node, costs about 3 us: reading this way stops until Node sees a
     * flood again), or -errno (an ICMP error of a connected socket, which
     * the kernel reports once).
     */
    direct: function(ep) {
      var fd = DillNodeInternals.udpFd(ep.udp);
      if (fd < 0) {
        ep.speculate = false;
        return -1;
      }
      var buf = DillUdp.scratch || (DillUdp.scratch = Buffer.allocUnsafe(65536));
      try {
        return DillKernel.io(DillKernel.fs.readSync, fd, buf, 0, buf.length);
      } catch (e) {
        ep.speculate = false;
        return e.code === 'EAGAIN' ? -1 : -DillNet.err(e.code);
      }
    },

    /** The sender `info` (Node's rinfo) as a sockaddr at `addr` (*addrlenPtr bytes of room), as Linux. */
    writeFrom: function(addr, addrlenPtr, info) {
      var v6 = info.family === 'IPv6' || info.family === 6;
      var len = v6 ? 28 : 16;
      if (HEAP32[addrlenPtr >> 2] < len || (addr & 3)) {
        DillInet.writeInetAddr(addr, addrlenPtr, { v6: v6, address: info.address, port: info.port });
        return;
      }
      // Straight into the program's memory: family, port (big-endian),
      // the address (the last one parsed is cached), zeros around it.
      var bytes = DillInet.ipBytes(info.address);
      if (bytes && bytes.length === 16 && !v6) bytes = bytes.subarray(12);
      HEAP32[addr >> 2] = (v6 ? DILL_C.AF_INET6 : DILL_C.AF_INET) | ((info.port >> 8) << 16) | ((info.port & 255) << 24);
      if (v6) {
        HEAP32[(addr + 4) >> 2] = 0;     // flow info
        if (!bytes || bytes.length !== 16) HEAPU8.fill(0, addr + 8, addr + 24);
        if (bytes) HEAPU8.set(bytes, addr + 8);
        HEAP32[(addr + 24) >> 2] = 0;    // scope id
      } else {
        if (bytes && bytes.length === 4) HEAPU8.set(bytes, addr + 4);
        else HEAP32[(addr + 4) >> 2] = 0;
        HEAP32[(addr + 8) >> 2] = 0;
        HEAP32[(addr + 12) >> 2] = 0;
      }
      HEAP32[addrlenPtr >> 2] = len;
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
      // The last datagram's buffer, if it went out at once and was as long.
      var buf = ep.txScratch;
      if (!buf || buf.length !== total) buf = Buffer.allocUnsafe(total);
      var off = 0;
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
