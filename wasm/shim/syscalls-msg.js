/**
 * libdill-wasm: sendmsg and recvmsg for the socket shim (an Emscripten JS
 * library): the data as send/recv, one datagram on a UDP socket, and
 * descriptors passed (SCM_RIGHTS) between sockets of this program.
 */
mergeInto(LibraryManager.library, {
  /**
   * sendmsg/recvmsg: the data as send/recv; SCM_RIGHTS descriptors travel
   * with the bytes between sockets of this program.  (Node cannot pass a
   * descriptor to another process: that gives EOPNOTSUPP.)
   *
   * struct msghdr (wasm32): 0 name, 4 namelen, 8 iov, 12 iovlen, 16 control,
   * 20 controllen, 24 flags.  struct cmsghdr: 0 len, 4 level, 8 type, 12 data.
   */
  __syscall_sendmsg__deps: ['$FS', '$DILL_C', '$DillDatagram', '$DillFds', '$DillFiber', '$DillFresh',
                            '$DillLocalEnd', '$DillSysIo', '$DillUdp', '$dillRw'],
  __syscall_sendmsg: function(fd, msg, flags) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) {
      // One datagram of all the iovecs, to msg_name if given.
      var dest = DillUdp.dgramDest(ep, HEAP32[msg >> 2], HEAP32[(msg + 4) >> 2]);
      if (typeof dest === 'number') {
        DillFiber.rewound();
        return dest;
      }
      return DillUdp.dgramSend(ep, HEAP32[(msg + 8) >> 2], HEAP32[(msg + 12) >> 2], flags, dest);
    }
    if (!ep.write || ep instanceof DillFresh) return -{{{ cDefine('ENOTCONN') }}};
    var iov = HEAP32[(msg + 8) >> 2], iovlen = HEAP32[(msg + 12) >> 2];
    var control = HEAP32[(msg + 16) >> 2], clen = HEAPU32[(msg + 20) >> 2];
    var resumed = Asyncify.state === Asyncify.State.Rewinding;
    var fds = [];
    if (control && clen >= 12 && !resumed) {
      var off = 0;
      while (off + 12 <= clen) {
        var c = control + off;
        var len = HEAPU32[c >> 2];
        if (len < 12 || off + len > clen) return -{{{ cDefine('EINVAL') }}};
        if (HEAP32[(c + 4) >> 2] === DILL_C.SOL_SOCKET && HEAP32[(c + 8) >> 2] === DILL_C.SCM_RIGHTS) {
          for (var p = c + 12; p + 4 <= c + len; p += 4) {
            var st = FS.getStream(HEAP32[p >> 2]);
            if (!st) return -{{{ cDefine('EBADF') }}};
            fds.push(st);
          }
        }
        off += (len + 3) & ~3;
      }
      if (fds.length && !(ep instanceof DillLocalEnd)) return -{{{ cDefine('EOPNOTSUPP') }}};
    }
    var total = 0;
    for (var i = 0; i < iovlen; i++) total += HEAP32[(iov + 8 * i + 4) >> 2];
    if (fds.length) {
      if (total === 0) return -{{{ cDefine('EINVAL') }}};
      // Attach the descriptors to the first byte sent: they stay open (and
      // counted) until the receiver takes them.
      var held = [];
      try {
        for (var j = 0; j < fds.length; j++) held.push(DillFds.holdStream(fds[j]));
      } catch (e) {
        if (!(e instanceof FS.ErrnoError)) throw e;
        DillFds.releaseHeld(held);
        return -e.errno;
      }
      ep.pendingFds = held;
    }
    var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
    var cnt = DillSysIo.scratchIov() + 8;
    var rc = dillRw(ep, iov, iovlen, cnt, true, nonblock);
    if (ep.pendingFds) {
      // Nothing went out: give the descriptors back.
      DillFds.releaseHeld(ep.pendingFds);
      ep.pendingFds = null;
    }
    if (rc) return -rc;
    return HEAP32[cnt >> 2];
  },

  __syscall_recvmsg__deps: ['$DILL_C', '$DillDatagram', '$DillFds', '$DillFresh', '$DillSysIo', '$DillUdp',
                            '$dillRw'],
  __syscall_recvmsg: function(fd, msg, flags) {
    var ep = DillFds.sock(fd);
    if (typeof ep === 'number') return ep;
    if (ep instanceof DillDatagram) {
      // One datagram; MSG_TRUNC in msg_flags if it did not fit.
      var name = HEAP32[msg >> 2];
      var d = DillUdp.dgramRecv(ep, HEAP32[(msg + 8) >> 2], HEAP32[(msg + 12) >> 2], flags,
                                name, name ? msg + 4 : 0);
      if (typeof d === 'number') return d;
      HEAPU32[(msg + 20) >> 2] = 0;
      HEAP32[(msg + 24) >> 2] = d.trunc ? DILL_C.MSG_TRUNC : 0;
      return d.n;
    }
    if (!ep.read || ep instanceof DillFresh) return -{{{ cDefine('ENOTCONN') }}};
    var iov = HEAP32[(msg + 8) >> 2], iovlen = HEAP32[(msg + 12) >> 2];
    var control = HEAP32[(msg + 16) >> 2], clen = HEAPU32[(msg + 20) >> 2];
    var nonblock = ep.nonblock || !!(flags & DILL_C.MSG_DONTWAIT);
    ep.takenFds = null;
    ep.wantFds = true;
    var cnt = DillSysIo.scratchIov() + 8;
    var rc = dillRw(ep, iov, iovlen, cnt, false, nonblock);
    ep.wantFds = false;
    var mflags = 0, used = 0;
    var taken = ep.takenFds;
    ep.takenFds = null;
    if (!rc && taken && taken.length) {
      var need = 12 + 4 * taken.length;
      if (control && clen >= need) {
        // As Linux: descriptors that find no free number are closed and
        // the message says MSG_CTRUNC.
        var got = 0;
        for (var i = 0; i < taken.length; i++) {
          var nfd = DillFds.installHeld(taken[i]);
          if (nfd < 0) {
            mflags |= DILL_C.MSG_CTRUNC;
            DillFds.releaseHeld(taken.slice(i));
            break;
          }
          HEAP32[(control + 12 + 4 * i) >> 2] = nfd;
          got++;
        }
        if (got > 0) {
          need = 12 + 4 * got;
          HEAPU32[control >> 2] = need;
          HEAP32[(control + 4) >> 2] = DILL_C.SOL_SOCKET;
          HEAP32[(control + 8) >> 2] = DILL_C.SCM_RIGHTS;
          used = (need + 3) & ~3;
        }
      } else {
        mflags |= DILL_C.MSG_CTRUNC;
        DillFds.releaseHeld(taken);
      }
    }
    if (rc) return -rc;
    HEAPU32[(msg + 20) >> 2] = used;
    HEAP32[(msg + 24) >> 2] = mflags;
    if (HEAP32[msg >> 2]) HEAP32[(msg + 4) >> 2] = 0;
    return HEAP32[cnt >> 2];
  },
});
