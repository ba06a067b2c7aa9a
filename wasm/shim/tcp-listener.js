/**
 * libdill-wasm: DillTcpListener, a listening TCP socket (an Emscripten JS
 * library): its tcp_wrap handle accepts connections as the kernel
 * completes them (Node's own net.Server does the same), and queues them
 * until accept() makes each a DillNetConn (DillInet.tcpAccepted).
 */
mergeInto(LibraryManager.library, {
  $dillTcpListenerClass__deps: ['$DillFresh', '$DillNet', '$DILL_C'],
  $dillTcpListenerClass: function() {
    return class TcpListener extends DillFresh {
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
          self.changed(DillNet.IN);
        };
      }
      pollMask() { return this.queue.length ? DILL_C.POLLIN : 0; }
      read() { return -{{{ cDefine('EINVAL') }}}; }
      close() {
        for (var i = 0; i < this.queue.length; i++) this.queue[i].close();
        this.queue = [];
        this.tcp.close();
      }
    };
  },
  $DillTcpListener__deps: ['$dillTcpListenerClass'],
  $DillTcpListener: '=dillTcpListenerClass()',
});
