/**
 * libdill-wasm: DillUnixListener, a listening AF_UNIX socket (an
 * Emscripten JS library): a net.Server and its accept queue.  Connections
 * from other processes are queued as pipe_wrap handles (accept() gives
 * them a DillNetConn); connections from this program as DillLocalEnds.
 */
mergeInto(LibraryManager.library, {
  $dillUnixListenerClass__deps: ['$DillFresh', '$DillLocalEnd', '$DillUnix', '$DillNet',
                                 '$DillNodeInternals', '$DillFiber', '$DILL_C'],
  $dillUnixListenerClass: function() {
    return class UnixListener extends DillFresh {
      constructor(fresh, server) {
        super(fresh.domain, fresh.type);
        this.fd = fresh.fd;
        this.nonblock = fresh.nonblock;
        this.path = fresh.path;
        this.server = server;
        this.queue = [];
        this.listening = false;
        var self = this;
        DillNodeInternals.onConnection(server, function(handle) {
          self.queue.push(handle);
          self.changed(DillNet.IN);
        });
        server.unref();
      }
      /**
       * bind() of unix socket `fresh` (on `stream`) to `path`, whose file
       * it creates: we start listening right away, suspending the program
       * until Node has bound the path, so errors come from bind() itself
       * (DillUnix.bindResult when it resumes); connections are accepted
       * once listen() is called.
       */
      static bind(fresh, stream, path) {
        var server = require('net').createServer({ allowHalfOpen: true, pauseOnConnect: true });
        DillFiber.blockWorld(function(resume) {
          function done(rc) {
            server.removeAllListeners('listening');
            server.removeAllListeners('error');
            DillUnix.bindResult = rc;
            if (rc === 0) {
              fresh.path = path;
              var l = new UnixListener(fresh, server);
              stream.node.ep = l;
              l.ino = path[0] === '\0' ? 0 : require('fs').statSync(path).ino;
              DillUnix.listeners.set(DillUnix.addrKey(path), l);
            }
            resume();
          }
          server.once('listening', function() { done(0); });
          server.once('error', function(err) { done(-DillNet.err(err.code)); });
          server.listen({ path: path, backlog: 511 });
        });
        return 0;
      }
      pollMask() { return this.queue.length ? DILL_C.POLLIN : 0; }
      read() { return -{{{ cDefine('EINVAL') }}}; }
      close() {
        // Connections not yet accepted are reset, as natively.
        for (var i = 0; i < this.queue.length; i++) {
          var c = this.queue[i];
          if (c instanceof DillLocalEnd) c.abort();
          else c.close();
        }
        this.queue = [];
        var key = DillUnix.addrKey(this.path);
        if (DillUnix.listeners.get(key) === this) DillUnix.listeners.delete(key);
        DillUnix.closeServer(this.server, this.path);
      }
    };
  },
  $DillUnixListener__deps: ['$dillUnixListenerClass'],
  $DillUnixListener: '=dillUnixListenerClass()',
});
