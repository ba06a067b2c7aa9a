// Loads the .wasm beside the script with fs: Emscripten 3.1.6's loader would
// try fetch() on a file path under Node 20.
Module['wasmBinary'] = require('fs').readFileSync(__filename.replace(/\.js$/, '.wasm'));
