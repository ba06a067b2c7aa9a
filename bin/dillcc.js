#!/usr/bin/env node
'use strict';
process.exitCode = require('../dist/cli/dillcc.js').main(process.argv.slice(2));
