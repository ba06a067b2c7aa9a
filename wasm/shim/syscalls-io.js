/**
 * libdill-wasm: the system calls that move bytes through a descriptor, for
 * the socket shim (an Emscripten JS library): read/write and their vector
 * forms (fd_read, fd_write), recv/send(to), close, dup, fcntl and poll.
 * Our sockets and pipes are served by their endpoints; other descriptors
 * (files, the terminal) go on to Emscripten's FS as before.
 */
mergeInto(LibraryManager.library, {
  // State and helpers of the read/write system calls.
  $DillSysIo__deps: ['$dillRw', '$DillFiber', '$DILL_C', '$FS', 'malloc'],
  $DillSysIo: {
    /**
     * readv/writev on a descriptor of Emscripten's FS (a file, or standard
     * input or output the program put back): 0 with the count at pnum, or
     * an errno (EBADF for a descriptor with no stream, such as 1 after
     * close(1)).  Emscripten's own helpers for this exist only in programs
     * that use its file system calls.
     */
    streamRw: function(fd, iov, iovcnt, pnum, isWrite) {
      var stream = FS.getStream(fd);
      if (!stream) return {{{ cDefine('EBADF') }}};
      try {
        var done = 0;
        for (var i = 0; i < iovcnt; i++) {
          var ptr = HEAP32[(iov + i * 8) >> 2];
          var len = HEAP32[(iov + i * 8 + 4) >> 2];
          var n = isWrite ? FS.write(stream, HEAP8, ptr, len) : FS.read(stream, HEAP8, ptr, len);
          done += n;
          if (n < len) break;
        }
        HEAP32[pnum >> 2] = done;
        return 0;
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        return e.errno;
      }
    },

    // Bytes already moved by a system call that blocked the program.
    progress: 0,
    // Absolute deadline of a poll() that blocked the program.
    pollDeadline: -1,

    /** send/recv with flags on one buffer; returns a count or -errno. */
    msgRw: function(ep, buf, len, flags, isWrite) {
      var iov = DillSysIo.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
      if (!isWrite && (flags & DILL_C.MSG_PEEK)) {
        DillFiber.rewound();
        if (ep.rxlen === 0 && !ep.eof && !ep.reset && !ep.shutRd) {
          if (nonblock) return -{{{ cDefine('EAGAIN') }}};
          DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
          return 0;
        }
        // Nothing queued: the end of the stream (0), or its reset, which a
        // peek reports (and clears) as a read does.
        if (ep.rxlen === 0) return ep.read(HEAPU8, buf, 0);
        return ep.peek(HEAPU8, buf, len);
      }
      var rc = dillRw(ep, iov, 1, iov + 8, isWrite, nonblock);
      if (rc) return -rc;
      return HEAP32[(iov + 8) >> 2];
    },

    // 12 bytes of wasm memory for one iovec and a count.
    iovPtr: 0,
    scratchIov: function() {
      if (!DillSysIo.iovPtr) DillSysIo.iovPtr = _malloc(12);
      return DillSysIo.iovPtr;
    },
  },

  /**
   * read/readv and write/writev on a socket or pipe.  A blocking read waits
   * for the first bytes; a blocking write sends everything.  A call that
   * blocked resumes where it stopped (DillSysIo.progress).
   */
  $dillRw__deps: ['$DillFiber', '$DillSysIo'],
  $dillRw: function(ep, iov, iovcnt, pnum, isWrite, nonblock) {
    var EAGAIN = {{{ cDefine('EAGAIN') }}};
    // As the kernel checks the iovecs: a total over SSIZE_MAX is EINVAL, a
    // buffer past the end of memory EFAULT.
    var total = 0;
    for (var v = 0; v < iovcnt; v++) {
      var vptr = HEAPU32[(iov + v * 8) >> 2], vlen = HEAPU32[(iov + v * 8 + 4) >> 2];
      total += vlen;
      if (total > 0x7fffffff) return {{{ cDefine('EINVAL') }}};
      if (vlen > 0 && vptr + vlen > HEAPU8.length) return {{{ cDefine('EFAULT') }}};
    }
    var done = DillFiber.rewound() ? DillSysIo.progress : 0;
    DillSysIo.progress = 0;
    // Several buffers to a connection: one writev to the kernel if it takes
    // them (a header and its body in one segment); the loop below writes
    // whatever it left.
    if (isWrite && iovcnt > 1 && done === 0 && ep.writev) {
      var k = ep.writev(iov, iovcnt);
      if (k > 0) done = k;
    }
    var skip = done;
    for (var i = 0; i < iovcnt; i++) {
      var ptr = HEAP32[(iov + i * 8) >> 2];
      var len = HEAP32[(iov + i * 8 + 4) >> 2];
      if (skip >= len) { skip -= len; continue; }
      var off = skip;
      skip = 0;
      while (off < len) {
        var r = isWrite ? ep.write(HEAPU8, ptr + off, len - off) :
                          ep.read(HEAPU8, ptr + off, len - off);
        if (r === -EAGAIN) {
          if (nonblock || (!isWrite && done > 0)) {
            if (done > 0) { HEAP32[pnum >> 2] = done; return 0; }
            return EAGAIN;
          }
          DillSysIo.progress = done;
          DillFiber.blockWorld(function(resume) { ep.onChange(resume); });
          return 0;
        }
        if (r < 0) {
          // Report what was transferred; the error comes with the next call.
          if (done > 0) {
            if (isWrite) ep.reset = ep.reset || -r;
            HEAP32[pnum >> 2] = done;
            return 0;
          }
          return -r;
        }
        done += r;
        off += r;
        if (!isWrite && (r === 0 || off < len)) {
          HEAP32[pnum >> 2] = done;
          return 0;
        }
      }
    }
    HEAP32[pnum >> 2] = done;
    return 0;
  },

  fd_read__deps: ['$DillDatagram', '$DillFds', '$DillSysIo', '$DillUdp', '$dillRw'],
  fd_read: function(fd, iov, iovcnt, pnum) {
    var ep = DillFds.ep(fd);
    if (ep instanceof DillDatagram) {
      var d = DillUdp.dgramRecv(ep, iov, iovcnt, 0, 0, 0);
      if (typeof d === 'number') return -d;
      HEAP32[pnum >> 2] = d.n;
      return 0;
    }
    if (ep) return dillRw(ep, iov, iovcnt, pnum, false, ep.nonblock);
    return DillSysIo.streamRw(fd, iov, iovcnt, pnum, false);
  },

  fd_write__deps: ['$DillDatagram', '$DillFds', '$DillStdio', '$DillSysIo', '$DillUdp', '$dillRw',
                   '$flush_NO_FILESYSTEM'],
  fd_write: function(fd, iov, iovcnt, pnum) {
    var ep = DillFds.ep(fd);
    if (ep instanceof DillDatagram) {
      var n = DillUdp.dgramSend(ep, iov, iovcnt, 0, null);
      if (n < 0) return -n;
      HEAP32[pnum >> 2] = n;
      return 0;
    }
    if (ep) return dillRw(ep, iov, iovcnt, pnum, true, ep.nonblock);
    if ((fd === 1 || fd === 2) && DillStdio.isStd(fd)) return DillStdio.writev(fd, iov, iovcnt, pnum);
    return DillSysIo.streamRw(fd, iov, iovcnt, pnum, true);
  },

  // NODERAWFS's FS.close does not call stream_ops.close for non-file
  // streams, so close our endpoints here.
  fd_close__deps: ['$FS', '$DillFds'],
  fd_close: function(fd) {
    var stream = FS.getStream(fd);
    if (!stream) return {{{ cDefine('EBADF') }}};
    var ep = stream.node && stream.node.ep;
    if (ep) {
      FS.closeStream(fd);
      if (--ep.refs > 0) {
        if (ep.fd === fd) ep.fd = DillFds.anyFd(ep);
        return 0;
      }
      DillFds.closeEndpoint(ep, stream.node);
      return 0;
    }
    try {
      FS.close(stream);
      return 0;
    } catch (e) {
      if (!(e instanceof FS.ErrnoError)) throw e;
      return e.errno;
    }
  },

  // recv/recvfrom and send/sendto on a connected stream socket (the
  // address is ignored there, as natively) or a datagram socket.
  __syscall_recvfrom__deps: ['$DillDatagram', '$DillFds', '$DillSysIo', '$DillUdp'],
  __syscall_recvfrom: function(fd, buf, len, flags, addr, addrlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) {
      var iov = DillSysIo.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      var d = DillUdp.dgramRecv(ep, iov, 1, flags, addr, addrlen);
      return typeof d === 'number' ? d : d.n;
    }
    if (!ep.read) return -{{{ cDefine('ENOTCONN') }}};
    return DillSysIo.msgRw(ep, buf, len, flags, false);
  },

  __syscall_sendto__deps: ['$DillDatagram', '$DillFds', '$DillFiber', '$DillSysIo', '$DillUdp'],
  __syscall_sendto: function(fd, buf, len, flags, addr, addrlen) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) {
      var dest = DillUdp.dgramDest(ep, addr, addrlen);
      if (typeof dest === 'number') {
        DillFiber.rewound();
        return dest;
      }
      var iov = DillSysIo.scratchIov();
      HEAP32[iov >> 2] = buf;
      HEAP32[(iov + 4) >> 2] = len;
      return DillUdp.dgramSend(ep, iov, 1, flags, dest);
    }
    if (!ep.write) return -{{{ cDefine('ENOTCONN') }}};
    return DillSysIo.msgRw(ep, buf, len, flags, true);
  },

  __syscall_dup__deps: ['$FS', '$DillFds'],
  __syscall_dup: function(fd) {
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    if (stream.node && stream.node.ep) return DillFds.dupFd(stream, 0);
    return DillFds.dupOther(stream);
  },

  __syscall_dup3__deps: ['$FS', '$DillFds', 'fd_close'],
  __syscall_dup3: function(fd, newfd, flags) {
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    if (fd === newfd) return -{{{ cDefine('EINVAL') }}};
    if (newfd < 0) return -{{{ cDefine('EBADF') }}};
    if (FS.getStream(newfd)) _fd_close(newfd);
    if (stream.node && stream.node.ep) return DillFds.dupFd(stream, newfd);
    return DillFds.dupOther(stream, newfd);
  },

  __syscall_fcntl64__deps: ['$FS', '$SYSCALLS', '$DILL_C'],
  __syscall_fcntl64: function(fd, cmd, varargs) {
    SYSCALLS.varargs = varargs;
    var stream = FS.getStream(fd);
    if (!stream) return -{{{ cDefine('EBADF') }}};
    var ep = stream.node && stream.node.ep;
    switch (cmd) {
      case DILL_C.F_GETFL:
        return stream.flags | (ep && ep.nonblock ? DILL_C.O_NONBLOCK : 0);
      case DILL_C.F_SETFL: {
        var arg = SYSCALLS.get();
        if (ep) ep.nonblock = !!(arg & DILL_C.O_NONBLOCK);
        var mask = DILL_C.O_APPEND | DILL_C.O_NONBLOCK;
        stream.flags = (stream.flags & ~mask) | (arg & mask);
        return 0;
      }
      case DILL_C.F_GETFD:
      case DILL_C.F_SETFD:
        return 0;
      case DILL_C.F_DUPFD: {
        var min = SYSCALLS.get();
        if (min < 0) return -{{{ cDefine('EINVAL') }}};
        if (ep) return -{{{ cDefine('EOPNOTSUPP') }}};
        try {
          return FS.open(stream.path, stream.flags, 0, min).fd;
        } catch (e) {
          if (!(e instanceof FS.ErrnoError)) throw e;
          return -e.errno;
        }
      }
      default:
        return -{{{ cDefine('EINVAL') }}};
    }
  },

  __syscall_poll__deps: ['$FS', '$DILL_C', '$DillFiber', '$DillSysIo'],
  __syscall_poll: function(fds, nfds, timeout) {
    var resumed = DillFiber.rewound();
    var eps = [];
    var count = 0;
    for (var i = 0; i < nfds; i++) {
      var p = fds + 8 * i;
      var fd = HEAP32[p >> 2];
      var events = HEAP16[(p + 4) >> 1];
      var mask = 0;
      if (fd >= 0) {
        var stream = FS.getStream(fd);
        if (!stream) mask = DILL_C.POLLNVAL;
        else if (stream.node && stream.node.ep) {
          mask = stream.node.ep.pollMask();
          eps.push(stream.node.ep);
        } else {
          mask = stream.stream_ops && stream.stream_ops.poll ?
            stream.stream_ops.poll(stream) :
            (DILL_C.POLLIN | DILL_C.POLLOUT);
        }
        mask &= events | DILL_C.POLLERR | DILL_C.POLLHUP | DILL_C.POLLNVAL;
      }
      if (mask) count++;
      HEAP16[(p + 6) >> 1] = mask;
    }
    var now = DillFiber.now();
    if (!resumed) DillSysIo.pollDeadline = timeout < 0 ? -1 : now + timeout;
    var deadline = DillSysIo.pollDeadline;
    if (count || timeout === 0 || eps.length === 0 && deadline < 0 ||
        (deadline >= 0 && now >= deadline)) {
      return count;
    }
    DillFiber.blockWorld(function(resume) {
      var timer = null;
      function done() {
        if (timer !== null) clearTimeout(timer);
        for (var j = 0; j < eps.length; j++) eps[j].offChange(done);
        resume();
      }
      for (var j = 0; j < eps.length; j++) eps[j].onChange(done);
      if (deadline >= 0) timer = setTimeout(done, Math.max(0, deadline - DillFiber.now()));
    });
    return 0;
  },
});
