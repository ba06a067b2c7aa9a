/**
 * libdill-wasm: DillWaitable, the base of everything behind one of our
 * descriptors (sockets, pipes, lookups, TLS engines), an Emscripten JS
 * library: its descriptor count and mode, and who waits for it to change
 * (blocked calls, the C poller, a receive from TypeScript).
 */
mergeInto(LibraryManager.library, {
  $dillWaitableClass__deps: ['$DillPoller'],
  $dillWaitableClass: function() {
    return class Waitable {
      constructor() {
        this.fd = -1;
        this.refs = 1;          // descriptors open on it (dup, passed fds)
        this.nonblock = false;
        this.watch = 0;         // directions the C poller waits for
        this.waiters = [];      // one-shot callbacks on any state change
        this.spare = null;      // an empty array to take its place (changed())
        this.parked = null;     // a brecv from TypeScript waiting in JS (src/host/fastio.ts)
      }
      /** Something changed: wake blocked callers and the C poller. */
      changed(mask) {
        var w = this.waiters;
        if (w.length) {
          // The callbacks may wait again (on the other array).
          this.waiters = this.spare || [];
          this.spare = null;
          for (var i = 0; i < w.length; i++) w[i]();
          w.length = 0;
          this.spare = w;
        }
        DillPoller.notify(this, mask);
      }
      onChange(cb) { this.waiters.push(cb); }
      offChange(cb) {
        var i = this.waiters.indexOf(cb);
        if (i >= 0) this.waiters.splice(i, 1);
      }
    };
  },
  $DillWaitable__deps: ['$dillWaitableClass'],
  $DillWaitable: '=dillWaitableClass()',
});
