#!/usr/bin/env node
// make demo: builds examples/demo.c with dillcc and runs it under node.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawnSync } = require('child_process');
const root = path.resolve(__dirname, '..');
const out = path.join(root, 'wasm', 'build', 'demo');
fs.mkdirSync(out, { recursive: true });
const js = path.join(out, 'demo.js');
const src = path.join(root, 'examples', 'demo.c');
console.log(`$ dillcc examples/demo.c -o ${path.relative(root, js)}`);
let r = spawnSync(process.execPath, [path.join(root, 'bin', 'dillcc.js'), src, '-o', js], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status || 1);
console.log(`$ node ${path.relative(root, js)}`);
r = spawnSync(process.execPath, [js], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
