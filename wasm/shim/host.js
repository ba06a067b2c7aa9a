/**
 * libdill-wasm: the host side of the TypeScript bindings (an Emscripten JS
 * library; used by the library module only, see libdill/host/host.c).
 */
mergeInto(LibraryManager.library, {
  $DillHost__deps: ['$DillFiber'],
  $DillHost: {
    // Set by src/host.ts: called with the argument block of a finished call.
    onDone: null,
  },

  // A call started by dill__host_spawn has finished (from its coroutine).
  dill__js_host_done__deps: ['$DillHost'],
  dill__js_host_done: function(a) {
    DillHost.onDone(a);
  },
});
