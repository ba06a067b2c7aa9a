/**
 * libdill-wasm: DillFresh, a socket() not yet connected or listening (an
 * Emscripten JS library).  bind(), listen() and connect() replace it with
 * the endpoint it becomes (unix-listener.js, tcp-listener.js, netconn.js,
 * local.js); an AF_INET/AF_INET6 one holds its tcp_wrap handle once bound.
 */
mergeInto(LibraryManager.library, {
  $dillFreshClass__deps: ['$DillWaitable', '$DILL_C'],
  $dillFreshClass: function() {
    return class Fresh extends DillWaitable {
      constructor(domain, type) {
        super();
        this.domain = domain;
        this.type = type;
        this.path = null;        // bound address
        this.opts = {};          // socket options (DillInet.sockopt)
      }
      pollMask() { return DILL_C.POLLOUT | DILL_C.POLLHUP; }
      read() { return -{{{ cDefine('ENOTCONN') }}}; }
      write() { return -{{{ cDefine('ENOTCONN') }}}; }
      close() {}
    };
  },
  $DillFresh__deps: ['$dillFreshClass'],
  $DillFresh: '=dillFreshClass()',
});
