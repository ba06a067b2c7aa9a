/**
 * libdill-wasm: name resolution for the C library (libdill/src/ipaddr.c),
 * an Emscripten JS library.
 *
 * A lookup is getaddrinfo through Node's dns.lookup (libuv's thread pool).
 * It is started by dill__js_resolve_start, which returns a descriptor: an FS
 * stream like the sockets of the socket shim (fds.js), so close(), poll() and
 * the C poller (fdin) work on it.  It becomes readable once the lookup has
 * finished; dill__js_resolve_take then copies the addresses out.
 *
 * Addresses go to C as 20-byte entries: int32 family (AF_INET or AF_INET6,
 * this build's values), then the address in network order (4 or 16 bytes)
 * zero-padded to 16.
 */
mergeInto(LibraryManager.library, {
  $dillLookupClass__deps: ['$DillWaitable', '$DILL_C'],
  $dillLookupClass: function() {
    /** The endpoint of a lookup descriptor. */
    return class Lookup extends DillWaitable {
      constructor() {
        super();
        this.done = false;
        this.closed = false;
        this.entries = [];       // {v6, bytes}
      }
      pollMask() { return this.done ? DILL_C.POLLIN : 0; }
      // read() returns EOF once the lookup is done (like a closed pipe):
      // the results come from dill__js_resolve_take.
      read() { return this.done ? 0 : -{{{ cDefine('EAGAIN') }}}; }
      write() { return -{{{ cDefine('EBADF') }}}; }
      close() { this.closed = true; }
    };
  },
  $DillLookup__deps: ['$dillLookupClass'],
  $DillLookup: '=dillLookupClass()',

  $DillResolve__deps: ['$DillNet', '$DillFds', '$DillInet', '$DillLookup', '$DILL_C'],
  $DillResolve: {
    /** Family argument (0, AF_INET, AF_INET6) as dns.lookup's, or -1. */
    nodeFamily: function(family) {
      if (family === 0) return 0;
      if (family === DILL_C.AF_INET) return 4;
      if (family === DILL_C.AF_INET6) return 6;
      return -1;
    },

    /** Writes one 20-byte entry at `out`. */
    writeEntry: function(out, v6, bytes) {
      HEAP32[out >> 2] = v6 ? DILL_C.AF_INET6 : DILL_C.AF_INET;
      HEAPU8.fill(0, out + 4, out + 20);
      HEAPU8.set(bytes, out + 4);
    },
  },

  /**
   * Starts resolving `name` for `family` (0: both, in the resolver's order).
   * Returns the lookup's descriptor or -errno.
   *
   * A lookup in progress cannot be cancelled or unref'd (getaddrinfo runs
   * in libuv's thread pool): until it returns, it keeps Node's event loop
   * alive even after the descriptor is closed.  A C program's exit does not
   * wait for it.
   */
  dill__js_resolve_start__deps: ['$DillResolve'],
  dill__js_resolve_start: function(namePtr, family) {
    if (!namePtr) return -{{{ cDefine('EINVAL') }}};
    var fam = DillResolve.nodeFamily(family);
    if (fam < 0) return -{{{ cDefine('EAFNOSUPPORT') }}};
    var name = UTF8ToString(namePtr);
    var ep = new DillLookup();
    var fd = DillFds.open(ep, DILL_C.S_IFIFO | 384);
    if (fd < 0) return fd;
    function finish(err, addrs) {
      if (ep.closed) return;
      if (!err && Array.isArray(addrs)) {
        for (var i = 0; i < addrs.length; i++) {
          var bytes = DillInet.ipBytes(addrs[i].address);
          // dns.lookup gives a literal back whatever family was asked for;
          // getaddrinfo does not.
          if (!bytes || (fam !== 0 && bytes.length !== (fam === 4 ? 4 : 16))) continue;
          ep.entries.push({ v6: bytes.length === 16, bytes: bytes });
        }
      }
      // Any failure (no such name, no address of that family, no
      // resolver) leaves no addresses: the C side reports it.
      ep.done = true;
      ep.changed(DillNet.IN);
    }
    try {
      require('dns').lookup(name, { all: true, family: fam, verbatim: true }, finish);
    } catch (e) {
      // A name dns.lookup rejects outright (e.g. with a NUL byte).
      setImmediate(finish, e, null);
    }
    return fd;
  },

  /**
   * Copies up to `max` entries of a finished lookup to `out`; returns how
   * many, or -EAGAIN while it runs (-EBADF: not a lookup descriptor).
   */
  dill__js_resolve_take__deps: ['$DillResolve'],
  dill__js_resolve_take: function(fd, out, max) {
    var ep = DillFds.ep(fd);
    if (!ep || !(ep instanceof DillLookup)) return -{{{ cDefine('EBADF') }}};
    if (!ep.done) return -{{{ cDefine('EAGAIN') }}};
    var n = Math.min(Math.max(max, 0), ep.entries.length);
    for (var i = 0; i < n; i++) DillResolve.writeEntry(out + 20 * i, ep.entries[i].v6, ep.entries[i].bytes);
    return n;
  },

  /**
   * The first address of family AF_INET or AF_INET6 of local interface
   * `name` (os.networkInterfaces()) as one entry at `out20`.  Returns 1, 0
   * if the interface exists without such an address, or -ENODEV.
   */
  dill__js_ifaddr__deps: ['$DillResolve'],
  dill__js_ifaddr: function(namePtr, family, out20) {
    if (!namePtr || !out20) return -{{{ cDefine('EINVAL') }}};
    var fam = DillResolve.nodeFamily(family);
    if (fam <= 0) return -{{{ cDefine('EAFNOSUPPORT') }}};
    var name = UTF8ToString(namePtr);
    var list = require('os').networkInterfaces()[name];
    if (!list) {
      // Node lists only interfaces that have an address; one without any
      // still exists for the kernel (Linux: /sys/class/net/NAME).
      var exists = false;
      if (name && name.indexOf('/') < 0 && name !== '.' && name !== '..') {
        try { exists = require('fs').existsSync('/sys/class/net/' + name); } catch (e) {}
      }
      return exists ? 0 : -{{{ cDefine('ENODEV') }}};
    }
    for (var i = 0; i < list.length; i++) {
      var f = list[i].family;
      if (f === 'IPv' + fam || f === fam) {
        var bytes = DillInet.ipBytes(list[i].address);
        if (!bytes) continue;
        DillResolve.writeEntry(out20, fam === 6, bytes);
        return 1;
      }
    }
    return 0;
  },
});
