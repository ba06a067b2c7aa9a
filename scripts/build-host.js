#!/usr/bin/env node
/**
 * Builds the library module the TypeScript bindings load:
 * dist/wasm/libdill.js and dist/wasm/libdill.wasm (run by `make build`,
 * after tsc: it takes its flags from dist/toolchain.js).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const tc = require('../dist/toolchain.js');

const out = path.join(tc.ROOT, 'dist', 'wasm', 'libdill.js');
fs.mkdirSync(path.dirname(out), { recursive: true });
const r = spawnSync(tc.emccPath(), tc.hostArgs(out), { env: tc.emccEnv(), stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
