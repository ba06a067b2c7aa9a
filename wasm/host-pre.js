// libdill-wasm: start-up of the library module the TypeScript bindings load
// (--pre-js).  Loads the .wasm bytes itself (Emscripten 3.1.6's loader would
// try fetch() under Node 18+), keeps the raw exports for the coroutine
// driver, and hands the driver's internals to src/host/ (Internals in
// src/host/host.ts).
Module['instantiateWasm'] = function(imports, receiveInstance) {
  var bytes = Module['wasmBinary'] || require('fs').readFileSync(
    require('path').join(__dirname, 'libdill.wasm'));
  var instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  DillFiber.setExports(instance.exports);
  DillFiber.ownStacks = true;
  receiveInstance(instance);
  return instance.exports;
};
Module['onRuntimeInitialized'] = function() {
  Module['dill'] = {
    fiber: DillFiber,
    host: DillHost,
    net: DillNet,
    errnoCodes: ERRNO_CODES,
    exports: DillFiber.X,
    memory: wasmMemory,
  };
};
