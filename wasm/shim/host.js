/**
 * libdill-wasm: the host side of the TypeScript bindings (an Emscripten JS
 * library; used by the library module only, see libdill/host/host.c and
 * libdill/host/jshandle.c).  src/host.ts sets the hooks.
 */
mergeInto(LibraryManager.library, {
  $DillHost__deps: ['$DillFiber'],
  $DillHost: {
    // Called with the argument block of a finished call.
    onDone: null,
    // socks5_proxy_auth's auth_fn (see host.c).
    onAuth: null,
    // Handles implemented in TypeScript (see jshandle.c).
    onJshQuery: null,
    onJshClose: null,
    onJshStart: null,
    onJshAbandon: null,
    // A task (go()) was canceled: its calls that wait in JS fail.
    onTaskCanceled: null,
  },

  dill__js_host_task_canceled__deps: ['$DillHost'],
  dill__js_host_task_canceled: function(t) {
    if (DillHost.onTaskCanceled) DillHost.onTaskCanceled(t);
  },

  // A call started by dill__host_spawn has finished (from its coroutine).
  dill__js_host_done__deps: ['$DillHost'],
  dill__js_host_done: function(a) {
    DillHost.onDone(a);
  },

  // 0 if TypeScript object `id` offers interface `which` (1 bytestream,
  // 2 message), else the errno.
  dill__js_jsh_query__deps: ['$DillHost'],
  dill__js_jsh_query: function(id, which) {
    return DillHost.onJshQuery(id, which);
  },

  dill__js_jsh_close__deps: ['$DillHost'],
  dill__js_jsh_close: function(id) {
    DillHost.onJshClose(id);
  },

  // Starts operation `kind` of object `id`: 0 if it finished at once (op's
  // rc and err written), 1 if C must wait for dill__host_jsh_done(op).
  dill__js_jsh_start__deps: ['$DillHost'],
  dill__js_jsh_start: function(id, kind, op, first, last, deadline) {
    return DillHost.onJshStart(id, kind, op, first, last, deadline);
  },

  // The waiting coroutine gave up on `op` (deadline, cancellation).
  dill__js_jsh_abandon__deps: ['$DillHost'],
  dill__js_jsh_abandon: function(op) {
    DillHost.onJshAbandon(op);
  },
});
