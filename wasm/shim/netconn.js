/**
 * libdill-wasm: DillNetConn, a connected stream socket backed by a
 * net.Socket (an Emscripten JS library): AF_UNIX, or TCP (AF_INET,
 * AF_INET6).  Here: its states (connecting, failed, connected), what Node
 * tells of it (connect, end, errors), half-close and close.  How its bytes
 * move: netconn-rx.js (receiving) and netconn-tx.js (sending).
 */
mergeInto(LibraryManager.library, {
  $dillNetConnClass__deps: ['$DillEndpoint', '$dillMixin', '$DillNetConnRx', '$DillNetConnTx',
                            '$DillNet', '$DillPoller', '$DillKernel'],
  $dillNetConnClass: function() {
    var IN = DillNet.IN, OUT = DillNet.OUT;
    var EPIPE = {{{ cDefine('EPIPE') }}}, ECONNRESET = {{{ cDefine('ECONNRESET') }}};
    /**
     * A TCP connect in progress has no net.Socket yet (`sock` null):
     * attach() gives it one once the kernel connected.
     */
    class NetConn extends DillEndpoint {
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
        this.cork = null;        // small sends of this turn not written yet (netconn-tx.js)
        this.corkLen = 0;
        this.turnSent = false;   // a send went out in this turn
      }
      attach(sock) {
        this.sock = sock;
        var self = this;
        sock.on('end', function() {
          self.eof = true;
          self.changed(IN);
        });
        // Room again once the queued write reached the kernel (see send()).
        this.written = function() {
          if (--DillPoller.pendingWrites === 0) DillPoller.flushed();
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
        // does (fiber.js keepAlive), pending TypeScript calls do (src/host/calls.ts).
        sock.unref();
      }
      /** The connection broke (errno `code`, from Node or from the kernel). */
      lost(code) {
        if (code === EPIPE) code = ECONNRESET;
        if (!this.eof || this.rxlen === 0) this.reset = code;
        this.broken = EPIPE;
        this.changed(IN | OUT);
      }
      /** The kernel descriptor under the Node socket, or -1. */
      osFd() {
        return DillKernel.fd(this.sock);
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
      fastRecvSome(buf, len) {
        return this.connecting || this.failed ? -1 : super.fastRecvSome(buf, len);
      }
      takeSome(max) {
        return this.connecting || this.failed ? null : super.takeSome(max);
      }
      fastSend(buf, len) {
        return this.connecting || this.failed ? 0 : super.fastSend(buf, len);
      }
      sendNow(len) {
        return !this.connecting && (this.failed || super.sendNow(len));
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
          if (this.cork !== null) this.corkFlush();
          this.shutWr = true;
          this.sock.end();
        }
        this.changed(IN | OUT);
        return 0;
      }
      close() {
        if (this.closed) return;
        // Sends the program was told are done go out first, as from the kernel.
        if (this.cork !== null) this.corkFlush();
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
    dillMixin(NetConn, DillNetConnRx);
    dillMixin(NetConn, DillNetConnTx);
    return NetConn;
  },
  $DillNetConn__deps: ['$dillNetConnClass'],
  $DillNetConn: '=dillNetConnClass()',
});
