/**
 * libdill-wasm: the coroutine driver (an Emscripten JS library).
 *
 * Coroutines are Asyncify fibers.  A switch unwinds the running coroutine's
 * wasm frames into its Asyncify area (struct dill__ctx in libdill/src/cr.h)
 * and returns to DillFiber.run(), which rewinds the next coroutine by
 * calling its bottom frame's function (ctx.bottom) again, through
 * dill__cr_run (libdill/src/cr.c), which sets its C stack pointer and which
 * Asyncify does not instrument: no frame of ours is saved below the
 * coroutine's own, as every frame on a coroutine's stack is unwound and
 * rewound at each of its switches.  When nothing is runnable
 * the loop returns to Node's event loop and resumes at the next deadline or
 * event (DillFiber.wake).
 *
 * Offsets into struct dill__ctx:
 *   0 sp, 4 stack_base, 8 stack_limit, 12 started (0 new, 1 started,
 *   2 finished), 16 acur, 20 aend, 24 astart, 28 save, 32 savelen,
 *   36 savecap, 40 bottom, 44 unwinding
 * A coroutine with a `save` buffer (go_mem) unwinds into the shared scratch
 * area its astart points at; its frames are moved to `save` once unwound
 * (saveOut) and back before it is rewound (saveIn).  A coroutine started by
 * go() first rewinds from its parent's saved frames (fork).
 */
mergeInto(LibraryManager.library, {
  $DillFiber__deps: ['$Asyncify'],
  $DillFiber: {
    // Raw wasm exports (without Emscripten's Asyncify export wrappers).
    X: null,
    // Coroutine to run after the current one unwinds (0: none, go idle).
    next: 0,
    // Parent whose saved frames the next coroutine starts from (go()).
    forkParent: 0,
    forkFailed: 0,
    // A new coroutine rewinding from its parent's frames (fork), and the
    // end of its own area meanwhile.
    borrower: 0,
    borrowerEnd: 0,
    running: false,
    // The coroutine being run (its struct dill__ctx).
    cur: 0,
    // Set while a blocking system call suspends the whole program.
    blocked: 0,
    timer: null,
    timerAt: -1,
    // Keep Node alive while waiting with nothing scheduled (C programs
    // block forever there, as natively).
    keepAlive: false,
    keepAliveTimer: null,
    // A busy coroutine asked for one turn of the event loop (DILL__BREATHE_MS).
    breathe: false,
    // That turn is under way: wake() waits for its end (DillFiber.breathed).
    breathing: false,
    // True when readiness events wait for dill__poll (set by poller.js).
    eventsPending: function() { return false; },
    // Calls its argument once queued socket writes are out (poller.js).
    flush: null,
    // The program has exited: no coroutine runs any more.
    exited: false,
    // No coroutine runs on the main stack (the library module: set by
    // wasm/host-pre.js).
    ownStacks: false,
    // Else the coroutine that does: a C program's main (its struct
    // dill__ctx, set by wasm/program-pre.js).
    rootCtx: 0,

    setExports: function(exports) {
      DillFiber.X = exports;
    },

    /** Run coroutines, starting with `ctx`, until nothing is runnable. */
    run: function(ctx) {
      if (DillFiber.exited) return;
      var X = DillFiber.X;
      // Calls into wasm from JS between runs (dill__poll, a call that
      // cannot block from TypeScript...) must not run on the last
      // coroutine's stack: it may be freed and reused by then.  In the
      // library module no coroutine uses the main stack: the caller's stack
      // pointer comes back.  A C program's main does use it: such calls go
      // below main's frames (where it last unwound).
      var sp = DillFiber.ownStacks ? X.stackSave() : 0;
      DillFiber.running = true;
      try {
        while (ctx) {
          DillFiber.cur = ctx;
          if (HEAP32[(ctx + 12) >> 2]) {
            if (HEAPU32[(ctx + 28) >> 2] && ctx !== DillFiber.borrower) DillFiber.saveIn(ctx);
            Asyncify.state = Asyncify.State.Rewinding;
            X.asyncify_start_rewind(ctx + 16);
          } else {
            HEAP32[(ctx + 12) >> 2] = 1;
          }
          X.dill__cr_run(ctx);
          if (Asyncify.state === Asyncify.State.Unwinding) {
            Asyncify.state = Asyncify.State.Normal;
            X.asyncify_stop_unwind();
            HEAP32[(ctx + 44) >> 2] = 0;
            // A finished coroutine: its stack is free now.
            if (HEAP32[(ctx + 12) >> 2] === 2) X.dill__reap();
            else if (HEAPU32[(ctx + 28) >> 2]) DillFiber.saveOut(ctx);
            if (DillFiber.forkParent) DillFiber.fork();
          }
          ctx = DillFiber.next;
          DillFiber.next = 0;
          // Idle, but events (e.g. data between sockets of this program)
          // arrived meanwhile: deliver them without a trip to the event loop.
          if (!ctx && !DillFiber.blocked && !DillFiber.breathe && DillFiber.eventsPending()) ctx = X.dill__poll();
        }
      } catch (e) {
        // exit() unwinds the program with an ExitStatus.  It must not go on
        // into whatever Node callback woke us (it would skip Node's other
        // callbacks, such as completions of the writes DillFiber.exit waits
        // for).
        if (!DillFiber.exited) throw e;
      } finally {
        if (sp) X.stackRestore(sp);
        else if (DillFiber.rootCtx) X.stackRestore(HEAP32[DillFiber.rootCtx >> 2]);
        DillFiber.running = false;
        DillFiber.cur = 0;
      }
      if (DillFiber.exited) return;
      if (!DillFiber.blocked) DillFiber.idle();
    },

    /** In an Asyncify import: finish rewinding if this is the way back in. */
    rewound: function() {
      if (Asyncify.state !== Asyncify.State.Rewinding) return false;
      Asyncify.state = Asyncify.State.Normal;
      DillFiber.X.asyncify_stop_rewind();
      return true;
    },

    /**
     * In an Asyncify import: block the whole program, as a blocking system
     * call does natively (no other coroutine runs, no timer fires).  The
     * running coroutine unwinds; `arm(resume)` must call resume() once the
     * call can make progress, and the coroutine then re-enters the import,
     * which retries.  The import returns its dummy result after this.
     */
    blockWorld: function(arm) {
      var X = DillFiber.X;
      var ctx = DillFiber.cur;
      HEAP32[ctx >> 2] = X.stackSave();
      HEAP32[(ctx + 16) >> 2] = HEAP32[(ctx + 24) >> 2];
      Asyncify.state = Asyncify.State.Unwinding;
      HEAP32[(ctx + 44) >> 2] = 1;
      X.asyncify_start_unwind(ctx + 16);
      DillFiber.next = 0;
      DillFiber.blocked = ctx;
      arm(function() {
        if (DillFiber.blocked !== ctx) return;
        DillFiber.blocked = 0;
        DillFiber.run(ctx);
      });
    },

    /**
     * Start the new coroutine (DillFiber.next) from its parent's frames.
     * It rewinds straight from where the parent's frames are saved: a
     * rewind only reads them, and the parent is rewound from them later
     * (no copy).  Meanwhile the child's Asyncify data points there; its
     * own area takes its frames from its first unwind on (borrowDone).
     */
    fork: function() {
      var parent = DillFiber.forkParent;
      var child = DillFiber.next;
      DillFiber.forkParent = 0;
      // The parent's frames: in its own area, or moved to `save` already.
      var pstart = HEAPU32[(parent + 28) >> 2], used;
      if (pstart) used = HEAPU32[(parent + 32) >> 2];
      else {
        pstart = HEAPU32[(parent + 24) >> 2];
        used = HEAPU32[(parent + 16) >> 2] - pstart;
      }
      // They must fit where the child keeps its own (it runs on top of them).
      var fits = HEAPU32[(child + 28) >> 2] ? DillFiber.saveRoom(child, used) :
        used <= HEAPU32[(child + 20) >> 2] - HEAPU32[(child + 24) >> 2];
      if (!fits) {
        DillFiber.forkFailed = 1;
        DillFiber.next = parent;
        return;
      }
      DillFiber.borrower = child;
      DillFiber.borrowerEnd = HEAPU32[(child + 20) >> 2];
      HEAPU32[(child + 16) >> 2] = pstart + used;
      HEAPU32[(child + 20) >> 2] = pstart + used;
      HEAP32[(child + 12) >> 2] = 1;
    },

    /** The new coroutine has rewound from its parent's frames: back to its own area. */
    borrowDone: function(ctx) {
      DillFiber.borrower = 0;
      HEAPU32[(ctx + 16) >> 2] = HEAPU32[(ctx + 24) >> 2];
      HEAPU32[(ctx + 20) >> 2] = DillFiber.borrowerEnd;
    },

    /** Make room for `len` bytes in the `save` buffer of `ctx`. */
    saveRoom: function(ctx, len) {
      return len <= HEAPU32[(ctx + 36) >> 2] || DillFiber.X.dill__save_grow(ctx, len) !== 0;
    },

    /** A coroutine unwound into the scratch area: keep its frames. */
    saveOut: function(ctx) {
      var start = HEAPU32[(ctx + 24) >> 2];
      var len = HEAPU32[(ctx + 16) >> 2] - start;
      if (!DillFiber.saveRoom(ctx, len)) {
        // Its frames cannot be kept anywhere: the coroutine cannot go on.
        abort('libdill: out of memory saving a suspended coroutine');
      }
      var save = HEAPU32[(ctx + 28) >> 2];
      HEAPU8.copyWithin(save, start, start + len);
      HEAPU32[(ctx + 32) >> 2] = len;
    },

    /** Put a coroutine's frames back into the scratch area to rewind it. */
    saveIn: function(ctx) {
      var save = HEAPU32[(ctx + 28) >> 2];
      var len = HEAPU32[(ctx + 32) >> 2];
      var start = HEAPU32[(ctx + 24) >> 2];
      HEAPU8.copyWithin(start, save, save + len);
      HEAPU32[(ctx + 16) >> 2] = start + len;
    },

    /** Nothing is runnable: wait for the next deadline or event. */
    idle: function() {
      var X = DillFiber.X;
      if (DillFiber.breathe) {
        DillFiber.breathe = false;
        // Until the immediate runs, events only queue up (see wake()): the
        // whole turn of the event loop (every datagram or chunk Node reads
        // in it) is delivered before the busy coroutines run again.
        DillFiber.breathing = true;
        setImmediate(DillFiber.breathed);
        return;
      }
      var deadline = X.dill__next_deadline();
      if (deadline >= 0) {
        var delay = Math.max(0, deadline - DillFiber.now());
        if (DillFiber.timer === null || deadline < DillFiber.timerAt) {
          if (DillFiber.timer !== null) clearTimeout(DillFiber.timer);
          DillFiber.timerAt = deadline;
          DillFiber.timer = setTimeout(DillFiber.onTimer, delay);
          // Timers do not keep Node alive by themselves: a C program's main
          // does (keepAlive), pending TypeScript calls do (src/host/).
          // So a deadline left from a call that ended early holds nothing.
          DillFiber.timer.unref();
        }
      } else if (DillFiber.timer !== null) {
        clearTimeout(DillFiber.timer);
        DillFiber.timer = null;
        DillFiber.timerAt = -1;
      }
      if (DillFiber.keepAlive && DillFiber.keepAliveTimer === null) {
        DillFiber.keepAliveTimer = setInterval(function() {}, 1 << 30);
      }
    },

    onTimer: function() {
      DillFiber.timer = null;
      DillFiber.timerAt = -1;
      DillFiber.wake();
    },

    breathed: function() {
      DillFiber.breathing = false;
      DillFiber.wake();
    },

    /** Resume whatever became runnable (timers, events). */
    wake: function() {
      if (DillFiber.running || DillFiber.blocked || DillFiber.exited || DillFiber.breathing) return;
      var ctx = DillFiber.X.dill__poll();
      if (ctx) DillFiber.run(ctx);
      else DillFiber.idle();
    },

    /**
     * The program exits with `status`.  Bytes it was told were sent may
     * still wait in Node's queues for room in the kernel: natively they
     * would be in the kernel already and survive the exit, so the process
     * leaves once they are out (or their connection is gone).
     */
    exit: function(status) {
      DillFiber.exited = true;
      if (DillFiber.timer !== null) clearTimeout(DillFiber.timer);
      DillFiber.timer = null;
      process.exitCode = status;
      var leave = function() { process.exit(status); };
      if (DillFiber.flush === null) return leave();
      // Something must keep Node alive while the writes finish (sockets are
      // unref'd).
      if (DillFiber.keepAliveTimer === null)
        DillFiber.keepAliveTimer = setInterval(function() {}, 1 << 30);
      DillFiber.flush(leave);
    },

    // performance.timeOrigin is a getter: read once, when the program runs
    // (a library item is source text: written here, it would be the
    // build's).  src/idiomatic/calls.ts reads the same clock.
    origin: 0,
    now: function() {
      var o = DillFiber.origin;
      if (o === 0) o = DillFiber.origin = performance.timeOrigin;
      return Math.floor(o + performance.now());
    },
  },

  dill__js_now__deps: ['$DillFiber'],
  dill__js_now: function() {
    return DillFiber.now();
  },

  dill__js_breathe__deps: ['$DillFiber'],
  dill__js_breathe: function() {
    DillFiber.breathe = true;
  },

  // Asyncify import: unwinds `from` and continues with `to` (0: go idle).
  // The C side has saved the stack pointer of `from`.
  dill__js_switch__deps: ['$DillFiber'],
  dill__js_switch: function(from, to) {
    var X = DillFiber.X;
    if (Asyncify.state === Asyncify.State.Rewinding) {
      Asyncify.state = Asyncify.State.Normal;
      X.asyncify_stop_rewind();
      return;
    }
    HEAP32[(from + 16) >> 2] = HEAP32[(from + 24) >> 2];
    Asyncify.state = Asyncify.State.Unwinding;
    HEAP32[(from + 44) >> 2] = 1;
    X.asyncify_start_unwind(from + 16);
    DillFiber.next = to;
  },

  // Asyncify import: like dill__js_switch, but `child` starts from the
  // frames of `parent`.  Returns 1 in the parent if the copy did not fit.
  dill__js_fork__deps: ['$DillFiber'],
  dill__js_fork: function(parent, child) {
    var X = DillFiber.X;
    if (Asyncify.state === Asyncify.State.Rewinding) {
      Asyncify.state = Asyncify.State.Normal;
      X.asyncify_stop_rewind();
      if (DillFiber.borrower) DillFiber.borrowDone(DillFiber.borrower);
      var failed = DillFiber.forkFailed;
      DillFiber.forkFailed = 0;
      return failed;
    }
    HEAP32[(parent + 16) >> 2] = HEAP32[(parent + 24) >> 2];
    Asyncify.state = Asyncify.State.Unwinding;
    HEAP32[(parent + 44) >> 2] = 1;
    X.asyncify_start_unwind(parent + 16);
    DillFiber.forkParent = parent;
    DillFiber.next = child;
    return 0;
  },
});
