/**
 * libdill-wasm: unix socket addresses (an Emscripten JS library): struct
 * sockaddr_un in and out, why a bind() would fail, closing a server
 * without losing its socket file, and this program's own listeners by
 * address (a connect to one of them stays in-process: local.js).
 */
mergeInto(LibraryManager.library, {
  $DillUnix__deps: ['$DillFds', '$DillNet', '$DILL_C'],
  $DillUnix__postset: function() { addAtInit('DillUnix.listeners = new Map();'); },
  $DillUnix: {
    // The result of a bind() that blocked the program (unix-listener.js).
    bindResult: 0,
    // This program's listeners by path: connections to them stay in-process.
    listeners: null,

    /** Reads a struct sockaddr_un; returns the path or -errno. */
    unixPath: function(addr, addrlen) {
      if (!addr) return -{{{ cDefine('EFAULT') }}};
      if (addrlen < 2 || addrlen > 110) return -{{{ cDefine('EINVAL') }}};
      var family = HEAP16[addr >> 1];
      if (family !== DILL_C.AF_UNIX) return -{{{ cDefine('EAFNOSUPPORT') }}};
      var bytes = HEAPU8.subarray(addr + 2, addr + addrlen);
      if (bytes.length === 0) return -{{{ cDefine('EINVAL') }}};
      // Abstract names start with a NUL byte and use the whole length.
      if (bytes[0] === 0) return '\0' + Buffer.from(bytes.subarray(1)).toString('latin1');
      var end = bytes.indexOf(0);
      if (end < 0) end = bytes.length;
      if (end === 0) return -{{{ cDefine('EINVAL') }}};
      return Buffer.from(bytes.subarray(0, end)).toString('utf8');
    },

    /** Writes a struct sockaddr_un for `path` (null: unnamed). */
    writeUnixAddr: function(addr, addrlenPtr, path) {
      if (!addr || !addrlenPtr) return;
      var room = HEAP32[addrlenPtr >> 2];
      var name = path ? Buffer.from(path[0] === '\0' ? path.slice(1) : path,
                                    path[0] === '\0' ? 'latin1' : 'utf8') : Buffer.alloc(0);
      var full = Buffer.alloc(2 + name.length + (path && path[0] !== '\0' ? 1 : 0));
      full.writeUInt16LE(DILL_C.AF_UNIX, 0);
      name.copy(full, path && path[0] === '\0' ? 3 : 2);
      if (path && path[0] === '\0') full = Buffer.concat([full.subarray(0, 2), Buffer.from([0]), name]);
      HEAPU8.set(full.subarray(0, Math.max(0, Math.min(room, full.length))), addr);
      HEAP32[addrlenPtr >> 2] = full.length;
    },

    /**
     * Why bind() to `path` would fail natively, checked synchronously
     * (Node only reports listen errors through an event).
     */
    bindError: function(path) {
      if (path[0] === '\0') return 0;
      var fs = require('fs'), nodePath = require('path');
      if (Buffer.byteLength(path) > 107) return -{{{ cDefine('EINVAL') }}};
      try {
        fs.lstatSync(path);
        return -{{{ cDefine('EADDRINUSE') }}};
      } catch (e) {
        if (e.code !== 'ENOENT') return -DillNet.err(e.code);
      }
      try {
        var st = fs.statSync(nodePath.dirname(nodePath.resolve(path)));
        if (!st.isDirectory()) return -{{{ cDefine('ENOTDIR') }}};
      } catch (e) {
        return -DillNet.err(e.code);
      }
      return 0;
    },

    /**
     * Closes a unix socket server.  libuv unlinks the socket file when a
     * server closes; natively it stays until somebody removes it (a second
     * bind gets EADDRINUSE), so keep it under a hard link and put it back.
     */
    closeServer: function(server, path) {
      var fs = require('fs');
      var keep = null;
      if (path && path[0] !== '\0') {
        keep = path + '.dill-keep-' + process.pid + '-' + (DillFds.seq++);
        try { fs.linkSync(path, keep); } catch (e) { keep = null; }
      }
      server.close();
      if (keep) {
        try { fs.renameSync(keep, path); } catch (e) {
          try { fs.unlinkSync(keep); } catch (e2) {}
        }
      }
    },

    /** Registry key of a unix address: its absolute path (or abstract name). */
    addrKey: function(path) {
      return path[0] === '\0' ? path : require('path').resolve(path);
    },

    /** Our own listener on `path`, if the file there is still its socket. */
    localListener: function(path) {
      var l = DillUnix.listeners.get(DillUnix.addrKey(path));
      if (!l) return null;
      if (path[0] === '\0') return l;
      try {
        return require('fs').statSync(path).ino === l.ino ? l : null;
      } catch (e) {
        return null;
      }
    },
  },
});
