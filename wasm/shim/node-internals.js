/**
 * libdill-wasm: every private Node internal the shim uses, one function
 * each (an Emscripten JS library).  Nothing else in wasm/shim touches
 * `_handle`, `process.binding` or an underscored method.
 *
 * Each one stays because no public API does the job; why is said at each.
 * Checked with Node v20.20.2 (the version here; package.json asks for
 * Node >= 18).  What they rely on has been in Node since v12 at least
 * (`onread` streams, handle.reading, tcp_wrap/udp_wrap, _releaseControl).
 * If a future Node drops one, this file is the one to change.
 */
mergeInto(LibraryManager.library, {
  $DillNodeInternals: {
    bindings: {},

    /**
     * Node's internal tcp_wrap or udp_wrap binding (`name`).  Unlike the
     * public net and dgram APIs, its bind, listen, connect and send answer
     * at once (negative Linux errno): a C program gets its bind(), listen()
     * and connect() errors from the call that caused them, and a datagram
     * send knows whether the kernel took it.  Public net and dgram report
     * these only through later events.
     */
    binding: function(name) {
      var b = DillNodeInternals.bindings[name];
      if (!b) b = DillNodeInternals.bindings[name] = process.binding(name);
      return b;
    },

    /**
     * The kernel descriptor under net.Socket `sock` (null: none), or -1.
     * The shim reads and writes it directly (kernel.js), as a native
     * program does; Node has no public way to name it.
     */
    kernelFd: function(sock) {
      var h = sock && sock._handle;
      return h && h.fd >= 0 ? h.fd : -1;
    },

    /**
     * The kernel descriptor under udp_wrap handle `udp`, or -1.  A receive
     * that does not want the sender's address reads it directly (udp.js),
     * as the TCP and unix sockets do theirs; udp_wrap itself only reads
     * through its event-loop callback, one JS call and Buffer per datagram.
     */
    udpFd: function(udp) {
      return udp && udp.fd >= 0 ? udp.fd : -1;
    },

    /**
     * Starts (on) or stops Node's reading of `sock`, a net.Socket made with
     * `onread` (netconn-rx.js), as net's own onread code does.  Public
     * socket.pause()/resume() do this too, but resume() also has the
     * Readable stream run read(0) on the next tick, which (the first time)
     * starts reading again even if pause() came in between: Node would then
     * read bytes the program did not ask for, which must stay in the kernel
     * (closing a unix socket with unread bytes there resets its peer).
     */
    setReading: function(sock, on) {
      var h = sock && sock._handle;
      if (!h || !!h.reading === on) return;
      h.reading = on;
      if (on) h.readStart();
      else h.readStop();
    },

    /**
     * Has net.Server `server` hand each accepted connection to
     * cb(handle) as its bare pipe_wrap handle.  accept() then wraps it in a
     * net.Socket that reads into our buffers (`onread`, which can only be
     * given when the socket is made); the server's 'connection' event
     * would hand over a net.Socket made without it.
     */
    onConnection: function(server, cb) {
      server._handle.onconnection = function(status, handle) {
        if (status < 0 || !handle) return;
        cb(handle);
      };
    },

    /**
     * A tls.TLSSocket made by hand keeps its TLS errors to itself (only the
     * internal '_tlsError' event) until control is released, as tls.Server
     * does for its connections; there is no public way to do so.
     */
    releaseTlsErrors: function(t) {
      if (typeof t._releaseControl === 'function') t._releaseControl();
    },

    /**
     * Writes plaintext to tls.TLSSocket `t` as its own write() does in the
     * end (a WriteWrap to its TLSWrap handle), without the Writable stream
     * before it and without a copy: the engine encrypts `view` (any
     * Uint8Array) before the call returns.  cb(status) once the engine
     * has written all of it out (status < 0: a uv error).  Returns 0, or
     * a negative uv error (then cb is not called).  The caller must never
     * have two writes under way, nor one beside a write() of the stream's.
     * null where this Node has no such handle.
     */
    tlsWriter: function(t) {
      var h = t._handle;
      var WriteWrap = DillNodeInternals.binding('stream_wrap').WriteWrap;
      if (!h || typeof h.writeBuffer !== 'function' || typeof WriteWrap !== 'function') return null;
      return function(view, cb) {
        h = t._handle;
        if (!h) return -{{{ cDefine('ECANCELED') }}};
        var req = new WriteWrap();
        req.handle = h;
        req.oncomplete = function(status) { cb(status); };
        req.async = false;
        req.bytes = 0;
        req.buffer = null;
        return h.writeBuffer(req, view);
      };
    },

    /**
     * Has readable stream `r` seen its end (its 'end' event still to come,
     * a tick or more later)?  Readable has no public word for it before
     * 'end' (readableEnded is set with it).  True where unknown.
     */
    readEnded: function(r) {
      var st = r._readableState;
      return !st || st.ended !== false;
    },

    /**
     * The transport of a tls.TLSSocket `t` made over a JS Duplex: Node
     * wraps the Duplex in a JSStreamSocket, whose JSStream handle the TLS
     * engine writes its ciphertext to and reads the peer's from.  That
     * wrapper acknowledges each ciphertext write one setImmediate later
     * (the engine then sends nothing more, and acknowledges the plaintext
     * write, only then), and feeds input through the Duplex's stream
     * machinery.  The TLS engine (tls.js) does both itself, at once:
     * returns { write(cb), ack(), read(view) } or null (then the Duplex is
     * used as it is).
     *   write(cb): cb(bufs) receives each ciphertext write (Buffers, copies)
     *     in place of the Duplex;
     *   ack(): acknowledges the write in progress (all of it was taken),
     *     never inside cb;
     *   read(view): hands ciphertext (any Uint8Array, copied at once) to
     *     the engine.
     * Relies on the wrapper's own fields (res._parentWrap, its request
     * symbols, its finishWrite), checked here: without them, null.
     */
    tlsTransport: function(t) {
      var res = t._handle, jss = res && res._parentWrap;
      if (!jss || !jss._handle || typeof jss._handle.readBuffer !== 'function' ||
          typeof jss.finishWrite !== 'function' || typeof jss.doWrite !== 'function') return null;
      var sym = {};
      Object.getOwnPropertySymbols(jss).forEach(function(s) { sym[s.description] = s; });
      var cur = sym.kCurrentWriteRequest, closing = sym.kPendingClose;
      if (!cur || !closing || jss[cur] === undefined) return null;
      var doWrite = jss.doWrite;
      var sink = null, ours = null;
      jss.doWrite = function(req, bufs) {
        // Closing, or no handle: the wrapper's own ways.
        if (sink === null || this[closing] || this._handle === null) return doWrite.call(this, req, bufs);
        this[cur] = ours = req;
        sink(bufs);
        return 0;
      };
      return {
        // No write under way but ours (one the wrapper would acknowledge
        // later holds the engine's next output back until then).
        idle: function() { return jss[cur] === null || jss[cur] === ours; },
        write: function(cb) { sink = cb; },
        // Only a write that came this way: one already under way (a
        // client's hello, written as the socket was made) went through the
        // Duplex, whose wrapper acknowledges it itself.
        ack: function() {
          var req = ours;
          ours = null;
          if (req !== null && jss[cur] === req && jss._handle !== null && !jss[closing]) {
            jss.finishWrite(jss._handle, 0);
          }
        },
        read: function(view) {
          if (jss._handle !== null) jss._handle.readBuffer(view);
        },
      };
    },
  },
});
