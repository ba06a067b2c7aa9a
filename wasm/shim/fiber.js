/**
 * libdill-wasm: the coroutine driver (an Emscripten JS library).
 *
 * Coroutines are Asyncify fibers, and the switches between them happen in
 * wasm (libdill/src/platform/fiber.c): run() enters dill__cr_run, which
 * runs coroutines until nobody is runnable, and returns.  This side fills
 * the table slots through which the C side calls Asyncify's functions
 * (setExports), waits on Node's event loop while nothing is runnable, and
 * resumes at the next deadline or event (wake); its system calls may block
 * the whole program (blockWorld).
 *
 * Offsets into struct dill__ctx (libdill/src/cr.h):
 *   0 sp, 12 started, 16 acur, 24 astart, 44 unwinding
 */
mergeInto(LibraryManager.library, {
  $DillFiber__deps: ['$Asyncify'],
  $DillFiber: {
    // Raw wasm exports (without Emscripten's Asyncify export wrappers).
    X: null,
    running: false,
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
      exports.dill__fiber_setup();
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
          // Runs coroutines until nobody is runnable or blockWorld.
          X.dill__cr_run(ctx, Asyncify.state === Asyncify.State.Rewinding ? 1 : 0);
          Asyncify.state = Asyncify.State.Normal;
          ctx = 0;
          // Idle, but events (e.g. data between sockets of this program)
          // arrived meanwhile: deliver them without a trip to the event loop.
          if (!DillFiber.blocked && !DillFiber.breathe && DillFiber.eventsPending()) ctx = X.dill__poll();
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
      var ctx = X.dill__fiber_current();
      HEAP32[ctx >> 2] = X.stackSave();
      HEAP32[(ctx + 16) >> 2] = HEAP32[(ctx + 24) >> 2];
      HEAP32[(ctx + 44) >> 2] = 1;
      Asyncify.state = Asyncify.State.Unwinding;
      X.asyncify_start_unwind(ctx + 16);
      DillFiber.blocked = ctx;
      arm(function() {
        if (DillFiber.blocked !== ctx) return;
        DillFiber.blocked = 0;
        // The import it blocked in sees itself rewound (rewound()).
        Asyncify.state = Asyncify.State.Rewinding;
        DillFiber.run(ctx);
      });
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

  // fiber.c imports Asyncify's own functions from the module "asyncify";
  // binaryen's Asyncify pass replaces those imports with direct calls, so
  // they never reach JavaScript.  Declared here only so that the link,
  // which runs before the pass, knows they will be there.
  start_unwind: function() { abort('asyncify.start_unwind was not replaced'); },
  stop_unwind: function() { abort('asyncify.stop_unwind was not replaced'); },
  start_rewind: function() { abort('asyncify.start_rewind was not replaced'); },
  stop_rewind: function() { abort('asyncify.stop_rewind was not replaced'); },

  dill__js_now__deps: ['$DillFiber'],
  dill__js_now: function() {
    return DillFiber.now();
  },

  // A coroutine cannot go on (platform/fiber.c).
  dill__js_abort: function(msg) {
    abort(UTF8ToString(msg));
  },

  dill__js_breathe__deps: ['$DillFiber'],
  dill__js_breathe: function() {
    DillFiber.breathe = true;
  },
});
