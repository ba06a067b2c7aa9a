/**
 * libdill-wasm: the TLS engine of libdill/src/tls.c, an Emscripten JS
 * library.
 *
 * The cryptography is Node's own: each TLS connection is a tls.TLSSocket
 * over a Duplex of ours that touches no network.  The C side moves the
 * ciphertext between that Duplex and whatever libdill socket lies below
 * (bsendl/brecvl there, so TLS stacks on TCP, IPC, ipc_pair or a protocol
 * written in C): it feeds what it received from the peer (one TLS record
 * at a time, so it never reads past the peer's close_notify), takes what
 * the engine wants sent, writes plaintext and reads plaintext.  None of
 * these calls blocks.
 *
 * An engine is a descriptor (an FS stream, like the lookups of resolve.js)
 * so that C waits for it with fdin/fdout: it becomes readable when
 * something happened that a receiver may want (plaintext, the peer's
 * close_notify, an error, the end of a "settle") and writable when a
 * sender may (ciphertext to send, a plaintext write acknowledged, our
 * close_notify out).  C re-reads the state after every wake-up, so a
 * spurious one costs a loop.
 *
 * The ciphertext skips the Duplex where Node allows it
 * (DillNodeInternals.tlsTransport): the engine's writes land in our queue
 * straight from the JSStream handle Node puts under the TLS socket, and
 * are acknowledged as C takes them (Node's own wrapper does so one
 * setImmediate later, and the engine writes nothing more until then);
 * C's records go to that handle from wasm memory.  Plaintext of one piece
 * goes to the TLS handle from wasm memory too (DillTls.direct).
 *
 * Most of the engine's work happens synchronously inside a feed or a write
 * (Node 20: decryption, handshake messages, 'secure').  What does not: a
 * write through the Duplex (the client's hello, written as the socket is
 * made), the 'end' and 'error' events (next tick).  When a record produced
 * nothing visible and some of that may be pending (dill__js_tls_quiet), C
 * "settles": it waits until one setImmediate has run before it reads the
 * next record, so it never blocks on the peer while the engine still has
 * something to say.
 */
mergeInto(LibraryManager.library, {
  $dillTlsEngineClass__deps: ['$DillWaitable', '$DillTls', '$DillFds', '$DillNet', '$DILL_C'],
  $dillTlsEngineClass: function() {
    var IN = DillNet.IN, OUT = DillNet.OUT;
    /** A TLS engine: what C's descriptor of it stands for (see above). */
    return class Engine extends DillWaitable {
      constructor() {
        super();
        this.t = null;          // the tls.TLSSocket
        this.duplex = null;     // its transport, pumped by C
        this.io = null;         // or the shortcut past it (DillNodeInternals.tlsTransport)
        this.writer = undefined;        // plaintext writes past t's Writable (DillTls.direct)
        this.out = DillTls.queue();     // ciphertext to send
        this.plain = DillTls.queue();   // plaintext received
        this.parts = [];        // pieces of a gathered write (bsendl lists)
        this.writes = 0;        // plaintext writes not yet acknowledged
        this.secure = false;
        this.ended = false;
        this.final = false;
        this.err = 0;           // errno once failed
        this.rx = false;        // readable (see pollMask)
        this.tx = false;        // writable
        this.closed = false;
      }
      pollMask() { return (this.rx ? DILL_C.POLLIN : 0) | (this.tx ? DILL_C.POLLOUT : 0); }
      read() { return -{{{ cDefine('EINVAL') }}}; }
      write() { return -{{{ cDefine('EINVAL') }}}; }
      close() {
        if (this.closed) return;
        this.closed = true;
        this.out.bufs = [];
        this.plain.bufs = [];
        this.parts = [];
        if (this.t) this.t.destroy();
        if (this.duplex) this.duplex.destroy();
        // Let the TLS socket and its buffers go, and the descriptor's FS
        // node (FS keeps every node in its name table until destroyed).
        this.t = null;
        this.io = null;
        this.duplex = null;
        DillFds.dropNode(this.node);
        this.node = null;
      }
      /** Something a waiter in direction(s) `mask` may care about. */
      event(mask) {
        if (this.closed) return;
        if (mask & IN) this.rx = true;
        if (mask & OUT) this.tx = true;
        this.changed(mask);
      }
      /** The connection failed with errno `err`. */
      fail(err) {
        if (!this.err) this.err = err;
        this.event(IN | OUT);
      }
      state() {
        // destroy() is synchronous, its 'error' event is not.  (Node
        // also destroys a socket whose two sides have ended: no error.)
        if (!this.err && !this.closed && this.t.destroyed) {
          if (this.t.errored) this.err = DillTls.errnoOf(this.t.errored);
          else if (!this.ended) this.err = {{{ cDefine('ECONNRESET') }}};
        }
        return (this.plain.bufs.length ? DillTls.PLAIN : 0) | (this.out.bufs.length ? DillTls.OUT : 0) |
          (this.secure ? DillTls.SECURE : 0) | (this.ended ? DillTls.ENDED : 0) |
          (this.err ? DillTls.ERROR : 0) | (this.writes ? DillTls.WRITING : 0) |
          (this.final ? DillTls.FINAL : 0);
      }
      /** Wires up TLSSocket t over our Duplex. */
      attach(t, server) {
        var ep = this;
        this.t = t;
        t.on('data', function(b) {
          ep.plain.bufs.push(b);
          ep.event(IN);
        });
        t.on('end', function() { ep.ended = true; ep.event(IN); });
        t.on('error', function(e) { ep.fail(DillTls.errnoOf(e)); });
        t.on('_tlsError', function(e) { ep.fail(DillTls.errnoOf(e)); });
        t.on('close', function() { if (!ep.ended) ep.fail({{{ cDefine('ECONNRESET') }}}); });
        t.on(server ? 'secure' : 'secureConnect',
          function() { ep.secure = true; ep.event(IN | OUT); });
      }
    };
  },
  $DillTlsEngine__deps: ['$dillTlsEngineClass'],
  $DillTlsEngine: '=dillTlsEngineClass()',

  $DillTls__deps: ['$DillNet', '$DillFds', '$DillTlsEngine', '$DillNodeInternals', '$DILL_C', '$FS'],
  $DillTls: {
    // Bits of dill__js_tls_state (mirrored in libdill/src/platform/platform.h).
    PLAIN: 1,      // plaintext waiting to be read
    OUT: 2,        // ciphertext waiting to be sent
    SECURE: 4,     // handshake finished
    ENDED: 8,      // the peer's close_notify arrived (after all its data)
    ERROR: 16,     // the connection failed: dill__js_tls_error tells why
    WRITING: 32,   // a plaintext write not yet taken in by the engine
    FINAL: 64,     // our close_notify has been produced

    /**
     * errno for an engine error.  A fatal alert from the peer (it gave up
     * on us: a certificate it refused, a version it does not speak) is a
     * broken connection, ECONNRESET.  Anything else during the handshake
     * (the peer does not speak TLS, its certificate failed our checks) is
     * EPROTO.  After the handshake every failure is ECONNRESET (C turns
     * EPROTO into it for bytestream calls).
     */
    errnoOf: function(e) {
      var code = (e && e.code) || '';
      if (/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_/.test(code)) return {{{ cDefine('ECONNRESET') }}};
      if (code === 'ECONNRESET' || code === 'EPIPE') return {{{ cDefine('ECONNRESET') }}};
      return {{{ cDefine('EPROTO') }}};
    },

    /** The Duplex a TLSSocket of engine `ep` runs over. */
    transport: function(ep) {
      var OUT = DillNet.OUT;
      var Duplex = require('stream').Duplex;
      return new Duplex({
        // The readable side gets what C feeds; nothing to do on demand.
        read: function() {},
        write: function(chunk, enc, cb) {
          ep.out.bufs.push(chunk);
          ep.event(OUT);
          cb();
        },
        writev: function(chunks, cb) {
          for (var i = 0; i < chunks.length; i++) ep.out.bufs.push(chunks[i].chunk);
          ep.event(OUT);
          cb();
        },
        // The engine shuts down its writing side after its close_notify
        // (tls_done): that is all, the socket below stays open.
        final: function(cb) {
          ep.final = true;
          ep.event(OUT);
          cb();
        },
      });
    },

    /** A queue of Buffers, `off` bytes of the first one taken already. */
    queue: function() {
      return { bufs: [], off: 0 };
    },

    /** Moves up to `len` bytes from queue q to `ptr` (dropped if 0); returns how many. */
    move: function(q, ptr, len) {
      len = len >>> 0;
      var n = 0;
      while (n < len && q.bufs.length) {
        var b = q.bufs[0];
        var k = Math.min(b.length - q.off, len - n);
        if (ptr) HEAPU8.set(b.subarray(q.off, q.off + k), ptr + n);
        n += k;
        q.off += k;
        if (q.off === b.length) {
          q.bufs.shift();
          q.off = 0;
        }
      }
      return n;
    },

    /** A NUL-terminated string argument, or undefined for NULL/empty. */
    str: function(p) {
      if (!p) return undefined;
      var s = UTF8ToString(p);
      return s.length ? s : undefined;
    },

    /**
     * The certificates of a PEM bundle; throws if there is none or one
     * does not parse (Node would take such a bundle and trust nothing).
     */
    bundle: function(text) {
      var blocks = text.match(/-----BEGIN CERTIFICATE-----[^]*?-----END CERTIFICATE-----/g);
      if (!blocks) throw new Error('no certificate');
      var X509 = require('crypto').X509Certificate;
      for (var i = 0; i < blocks.length; i++) new X509(blocks[i]);
      return blocks;
    },

    // Secure contexts by what they were made of: making one (parsing the
    // PEM, loading the key) costs about as much as a handshake, and a
    // server attaches with the same files again and again.  The files are
    // read every time, so a changed file gives a new context.
    contexts: null,
    context: function(opts) {
      if (!DillTls.contexts) DillTls.contexts = new Map();
      var id = [opts.cert, opts.key, opts.ca && opts.ca.join('\n')].map(function(x) {
        return x === undefined ? '' : x.toString('latin1');
      }).join('\0');
      var ctx = DillTls.contexts.get(id);
      if (ctx) return ctx;
      ctx = require('tls').createSecureContext(opts);
      if (DillTls.contexts.size >= 32) DillTls.contexts.delete(DillTls.contexts.keys().next().value);
      DillTls.contexts.set(id, ctx);
      return ctx;
    },

    /**
     * May plaintext skip the TLS socket's Writable (DillNodeInternals.
     * tlsWriter)?  Only after the handshake, with nothing written, or
     * being written, either way: the engine takes one write at a time.
     */
    direct: function(ep) {
      if (ep.writer === undefined) ep.writer = DillNodeInternals.tlsWriter(ep.t);
      return ep.writer !== null && ep.secure && ep.writes === 0 && !ep.t.connecting &&
        ep.t.writableLength === 0 && !ep.t.writableEnded;
    },

    /** Writes plaintext `view` the direct way; 0 or -errno. */
    writeDirect: function(ep, view) {
      ep.writes++;
      var err = ep.writer(view, function(status) {
        ep.writes--;
        // As the Writable has it: a failed write destroys the socket
        // (its 'error' fails the engine), unless it is gone already.
        if (status < 0 && ep.t && !ep.t.destroyed) {
          var name = require('util').getSystemErrorName(status);
          var e = new Error('write ' + name);
          e.code = name;
          e.errno = status;
          e.syscall = 'write';
          ep.t.destroy(e);
        }
        ep.event(DillNet.OUT);
      });
      if (!err) return 0;
      ep.writes--;
      return -{{{ cDefine('ECONNRESET') }}};
    },

    /** The engine behind fd, or null. */
    get: function(fd) {
      var ep = DillFds.ep(fd);
      return ep && ep instanceof DillTlsEngine && !ep.closed ? ep : null;
    },
  },

  /**
   * A new engine: the server side with the PEM certificate chain and key in
   * files `cert` and `key`, or the client side.  The client checks the
   * server's certificate only when given a CA bundle `ca` (a PEM file, or
   * "system" for Node's root store): then the chain must lead to it, and,
   * with `host`, the certificate must be for that name (also sent as SNI).
   * Returns the engine's descriptor, or -EFAULT (server) or -EINVAL
   * (client: the CA bundle) for files that cannot be read or do not hold
   * what they should.
   */
  dill__js_tls_open__deps: ['$DillTls'],
  dill__js_tls_open: function(server, certPtr, keyPtr, caPtr, hostPtr) {
    var tls = require('tls');
    var fs = require('fs');
    var ctxOpts = {};
    var clientOpts = {};
    try {
      if (server) {
        ctxOpts.cert = fs.readFileSync(UTF8ToString(certPtr));
        ctxOpts.key = fs.readFileSync(UTF8ToString(keyPtr));
      } else {
        var ca = DillTls.str(caPtr);
        if (ca === undefined) ca = process.env.DILL_TLS_CA || undefined;
        var host = DillTls.str(hostPtr);
        if (host === undefined) host = process.env.DILL_TLS_HOST || undefined;
        clientOpts.rejectUnauthorized = ca !== undefined;
        if (ca !== undefined && ca !== 'system') ctxOpts.ca = DillTls.bundle(fs.readFileSync(ca, 'latin1'));
        if (host !== undefined) {
          // SNI takes names, not addresses.
          if (!require('net').isIP(host)) clientOpts.servername = host;
          clientOpts.checkServerIdentity = function(name, cert) {
            return tls.checkServerIdentity(host, cert);
          };
        } else {
          clientOpts.checkServerIdentity = function() { return undefined; };
        }
      }
      // createSecureContext parses the PEM (and checks the key fits the
      // certificate) now: garbage fails here, not in the handshake.  A
      // server's certificate or key that cannot be used is EFAULT, as
      // upstream has it; a client's CA bundle (ours only) EINVAL.
      var ctx = DillTls.context(ctxOpts);
    } catch (e) {
      return server ? -{{{ cDefine('EFAULT') }}} : -{{{ cDefine('EINVAL') }}};
    }
    var ep = new DillTlsEngine();
    ep.duplex = DillTls.transport(ep);
    var fd = DillFds.open(ep, DILL_C.S_IFIFO | 384);
    if (fd < 0) {
      ep.duplex.destroy();
      return fd;
    }
    ep.node = FS.getStream(fd).node;
    var t;
    if (server) {
      t = new tls.TLSSocket(ep.duplex, { isServer: true, secureContext: ctx,
        requestCert: false, rejectUnauthorized: false });
      // A TLSSocket made by hand keeps its TLS errors to itself until
      // control is released, as tls.Server does for its connections.
      DillNodeInternals.releaseTlsErrors(t);
    } else {
      clientOpts.socket = ep.duplex;
      clientOpts.secureContext = ctx;
      t = tls.connect(clientOpts);
      // Renegotiation would have the receiving side answer with handshake
      // messages; a server asking for it gets an error instead.
      t.disableRenegotiation();
    }
    ep.attach(t, server);
    // Ciphertext straight between the engine and our queues (see
    // DillNodeInternals.tlsTransport), where this Node allows it.
    ep.io = DillNodeInternals.tlsTransport(t);
    if (ep.io) ep.io.write(function(bufs) {
      for (var i = 0; i < bufs.length; i++) ep.out.bufs.push(bufs[i]);
      ep.event(DillNet.OUT);
    });
    return fd;
  },

  /** The state bits (DillTls.PLAIN...), or -EBADF. */
  dill__js_tls_state__deps: ['$DillTls'],
  dill__js_tls_state: function(fd) {
    var ep = DillTls.get(fd);
    return ep ? ep.state() : -{{{ cDefine('EBADF') }}};
  },

  /** errno of a failed engine (0 if it has not failed). */
  dill__js_tls_error__deps: ['$DillTls'],
  dill__js_tls_error: function(fd) {
    var ep = DillTls.get(fd);
    if (!ep) return {{{ cDefine('EBADF') }}};
    ep.state();
    return ep.err;
  },

  /** Hands `len` bytes of ciphertext from the peer to the engine. */
  dill__js_tls_feed__deps: ['$DillTls'],
  dill__js_tls_feed: function(fd, ptr, len) {
    var ep = DillTls.get(fd);
    if (!ep) return -{{{ cDefine('EBADF') }}};
    if (ep.err) return 0;
    // The engine copies the bytes before it returns.
    if (ep.io) ep.io.read(HEAPU8.subarray(ptr, ptr + (len >>> 0)));
    else ep.duplex.push(Buffer.from(HEAPU8.subarray(ptr, ptr + (len >>> 0))));
    return 0;
  },

  /**
   * Moves up to `len` bytes of plaintext to `ptr` (dropped if ptr is NULL);
   * returns how many.
   */
  dill__js_tls_read__deps: ['$DillTls'],
  dill__js_tls_read: function(fd, ptr, len) {
    var ep = DillTls.get(fd);
    if (!ep) return -{{{ cDefine('EBADF') }}};
    return DillTls.move(ep.plain, ptr, len);
  },

  /** Moves up to `max` bytes of ciphertext to send to `ptr`; returns how many. */
  dill__js_tls_take__deps: ['$DillTls'],
  dill__js_tls_take: function(fd, ptr, max) {
    var ep = DillTls.get(fd);
    if (!ep) return -{{{ cDefine('EBADF') }}};
    var n = DillTls.move(ep.out, ptr, max);
    // All of the engine's write taken: it may go on (produce more, which
    // C takes next, and acknowledge the plaintext written: not WRITING).
    if (ep.io && !ep.out.bufs.length) ep.io.ack();
    return n;
  },

  /**
   * Plaintext to encrypt: `len` bytes at `ptr`, copied.  The pieces of one
   * bsendl list are gathered and written as one when `last` is set; the
   * write counts as WRITING until the engine has taken it in.  0 or -errno.
   */
  dill__js_tls_write__deps: ['$DillTls'],
  dill__js_tls_write: function(fd, ptr, len, last) {
    var ep = DillTls.get(fd);
    if (!ep) return -{{{ cDefine('EBADF') }}};
    if (ep.err || ep.t.destroyed) return -{{{ cDefine('ECONNRESET') }}};
    if (ep.t.writableEnded) return -{{{ cDefine('EPIPE') }}};
    len = len >>> 0;
    // A whole list in one piece goes to the engine as it is (it encrypts
    // it at once), straight from wasm memory.
    if (last && !ep.parts.length && len && DillTls.direct(ep)) {
      return DillTls.writeDirect(ep, HEAPU8.subarray(ptr, ptr + len));
    }
    if (len) ep.parts.push(Buffer.from(HEAPU8.subarray(ptr, ptr + len)));
    if (!last) return 0;
    var parts = ep.parts;
    ep.parts = [];
    if (!parts.length) return 0;
    var buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (DillTls.direct(ep)) return DillTls.writeDirect(ep, buf);
    ep.writes++;
    ep.t.write(buf, function() {
      ep.writes--;
      ep.event(DillNet.OUT);
    });
    return 0;
  },

  /** Starts our close_notify (FINAL once it is produced). */
  dill__js_tls_end__deps: ['$DillTls'],
  dill__js_tls_end: function(fd) {
    var ep = DillTls.get(fd);
    if (!ep) return -{{{ cDefine('EBADF') }}};
    if (ep.err || ep.t.destroyed) return -{{{ cDefine('ECONNRESET') }}};
    ep.t.end();
    return 0;
  },

  /**
   * C is about to wait in direction(s) `dir` (1 in, 2 out): clears their
   * readiness.  With `settle`, they become ready again after one
   * setImmediate (the engine's deferred work has run by then).
   */
  dill__js_tls_arm__deps: ['$DillTls'],
  dill__js_tls_arm: function(fd, dir, settle) {
    var ep = DillTls.get(fd);
    if (!ep) return;
    if (dir & DillNet.IN) ep.rx = false;
    if (dir & DillNet.OUT) ep.tx = false;
    if (settle) setImmediate(function() { ep.event(dir); });
  },

  /**
   * 1 if nothing of engine fd is deferred, so that a record that showed
   * nothing needs no settle: every write goes the direct way and none
   * awaits its acknowledgement from Node's wrapper, no received plaintext
   * waits in the TLS socket's stream, and no end of it is on its way to
   * 'end'.  (Errors show at once: state() looks at destroyed.)
   */
  dill__js_tls_quiet__deps: ['$DillTls', '$DillNodeInternals'],
  dill__js_tls_quiet: function(fd) {
    var ep = DillTls.get(fd);
    if (!ep || !ep.io || !ep.io.idle() || ep.t.destroyed) return 0;
    if (ep.t.readableLength !== 0 || DillNodeInternals.readEnded(ep.t)) return 0;
    return 1;
  },

  /** Wakes whoever waits in direction(s) `dir` (a lock was released). */
  dill__js_tls_poke__deps: ['$DillTls'],
  dill__js_tls_poke: function(fd, dir) {
    var ep = DillTls.get(fd);
    if (ep) ep.event(dir);
  },
});
