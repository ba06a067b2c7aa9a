// libdill-wasm: start-up of a C program built with dillcc (--pre-js).
// Loads the .wasm bytes with fs (Emscripten 3.1.6's loader would try fetch()
// under Node 20), keeps the raw exports for the coroutine driver, and runs
// main() as the first coroutine instead of Emscripten's callMain.
// On exit, the process leaves once queued socket writes are out
// (DillFiber.exit).
Module['noInitialRun'] = true;
Module['instantiateWasm'] = function(imports, receiveInstance) {
  var bytes = require('fs').readFileSync(
    require('path').join(__dirname, require('path').basename(wasmBinaryFile)));
  var instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  DillFiber.setExports(instance.exports);
  receiveInstance(instance);
  return instance.exports;
};
Module['onRuntimeInitialized'] = function() {
  var X = DillFiber.X;
  var args = [thisProgram].concat(arguments_);
  var argv = X.malloc((args.length + 1) * 4);
  for (var i = 0; i < args.length; i++) {
    var n = lengthBytesUTF8(args[i]) + 1;
    var p = X.malloc(n);
    stringToUTF8(args[i], p, n);
    HEAP32[(argv >> 2) + i] = p;
  }
  HEAP32[(argv >> 2) + args.length] = 0;
  // main() keeps Node alive until it returns (or exit()), as natively.
  DillFiber.keepAlive = true;
  DillFiber.keepAliveTimer = setInterval(function() {}, 1 << 30);
  DillFiber.rootCtx = X.dill__main_start(args.length, argv);
  DillFiber.run(DillFiber.rootCtx);
};
Module['quit'] = function(status, toThrow) {
  if (!(toThrow instanceof ExitStatus)) {
    // A crash: report it and leave at once.
    logExceptionOnExit(toThrow);
    process.exit(status);
  }
  DillFiber.exit(status);
  throw toThrow;
};
