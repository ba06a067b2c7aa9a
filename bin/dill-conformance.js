#!/usr/bin/env node
'use strict';
require('../dist/cli/conformance.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
