#!/usr/bin/env node
/**
 * Generates the TypeScript bindings' C-faithful layer from the one source of
 * truth, libdill/include/libdill.h (the boundary itself, the argument
 * block's layout included, is libdill/host/boundary.h: scripts/gen-boundary.js):
 *   wasm/build/gen/host_calls.c  a thunk per function: unpacks the argument
 *                                block (laid out in libdill/host/boundary.h),
 *                                calls it
 *   src/gen/api.ts               the table the TS runtime (src/host/)
 *                                builds the functions from, and their types
 * Both files are build outputs (not committed): run by `make build`.
 *
 * usage: node scripts/gen-host.js HEADER OUT_C OUT_TS
 */
'use strict';
const fs = require('fs');
const path = require('path');

const [header, outC, outTs] = process.argv.slice(2);
const text = fs.readFileSync(header, 'utf8');

// Functions that can block in C without taking a deadline, or that must
// suspend under Node to give their errors synchronously (bind's EADDRINUSE
// arrives from Node asynchronously): they return a Promise in TS.
// tcp_listen and udp_open bind() as ipc_listen does: under Node the bind of
// a TCP server or a UDP socket completes asynchronously, so the shim
// suspends the whole program until it has, and the call must run as a
// coroutine of its own (a synchronous call cannot suspend).
// (prefix_detach, without a deadline, never blocks: PREFIX has no terminal
// handshake on the wire.)
const ASYNC_WITHOUT_DEADLINE = new Set(['yield', 'ipc_listen', 'ipc_listen_mem',
  'tcp_listen', 'tcp_listen_mem', 'udp_open', 'udp_open_mem']);
// Functions whose TS form calls another C function (it must not wait).
const IMPLEMENTED_BY = { hclose: 'dill__host_hclose' };
// Written by hand in src/host/ (macros in C, or TS-specific).
const HAND_WRITTEN = new Set([]);

/** Storage struct sizes: DILL__STORAGE(name, size). */
const storage = {};
for (const m of text.matchAll(/DILL__STORAGE\((\w+),\s*(\d+)\)/g)) storage[m[1]] = +m[2];

/** Numeric constants: #define DILL_<NAME> <n> (CHSEND, IPADDR_IPV4, SOCKS5_SUCCESS 0x00...; not the version). */
const constants = {};
for (const m of text.matchAll(/^#define DILL_([A-Z][A-Z0-9_]*) (0x[0-9a-fA-F]+|\d+)\s*$/gm)) {
  if (!m[1].startsWith('VERSION_')) constants[m[1]] = Number(m[2]);
}

/** Size of struct dill_ipaddr (opaque bytes): the size of an IpAddr in TS. */
const ipaddrSize = (() => {
  const m = text.match(/struct dill_ipaddr \{[^}]*?char _\[(\d+)\];/);
  if (!m) throw new Error('gen-host: struct dill_ipaddr not found (or not `char _[N]`)');
  return +m[1];
})();

/**
 * Return types and how the result travels (a[DILL__BLOCK_RESULT] is a double): 'int',
 * 'int64_t', 'ssize_t' and 'void' as numbers; 'string' (const char *) and
 * 'sockaddr' (const struct sockaddr *) as the pointer, which src/host/
 * turns into a string / a copy of the bytes before the call's memory goes.
 */
const RET_KINDS = {
  'int': 'int', 'int64_t': 'int64_t', 'void': 'void', 'ssize_t': 'ssize_t',
  'const char *': 'string', 'const struct sockaddr *': 'sockaddr',
};

/**
 * Declarations: DILL_EXPORT <ret> dill_<name>(<params>); (not dill__*), and
 * the extensions DILL_EXPORT <ret> dillwasm_<name>(<params>);, whose TS
 * name is their C name (they have no dill_ form).
 */
const decls = [];
const flat = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ');
for (const m of flat.matchAll(/DILL_EXPORT ((?:__attribute__\(\([^)]*\)\) )?)([^(;]*?) ?(\*?)(dill_|dillwasm_)([a-z]\w*)\(([^)]*)\);/g)) {
  if (m[1]) continue;
  const ext = m[4] === 'dillwasm_';
  const name = ext ? m[4] + m[5] : m[5];
  if (HAND_WRITTEN.has(name)) continue;
  // The '*' of a pointer return is written against the name: put it back.
  const ctype = (m[2].trim() + (m[3] ? ' *' : '')).replace(/\s+/g, ' ');
  const ret = RET_KINDS[ctype];
  // Never skip a function silently: a new return type needs a mapping.
  if (!ret) throw new Error(`gen-host: no TS mapping for return type '${ctype}' of dill_${name}`);
  decls.push({ ret, cret: ctype, name, cname: m[4] + m[5], ext, params: parseParams(m[6]) });
}

function parseParams(src) {
  src = src.trim();
  if (src === 'void' || src === '') return [];
  return src.split(',').map((p) => {
    p = p.trim();
    const m = p.match(/^(.*?)(\w+)(\[2\])?$/);
    return { type: m[1].replace(/\s+/g, ' ').trim(), name: m[2], array2: !!m[3] };
  });
}

/**
 * `char *` outputs without a length beside them: how many bytes C may write
 * there (a number, or the name of a header constant).  The TS caller passes a
 * Uint8Array of at least that many bytes.
 */
const FIXED_OUT = {
  'ipaddr_str.ipstr': 'IPADDR_MAXSTRLEN',
  'ws_request_key.request_key': 'WS_KEY_SIZE',
  'ws_response_key.response_key': 'WS_KEY_SIZE',
  // A name of up to 255 bytes (RFC 1928's one-byte length) and its NUL.
  'socks5_proxy_recvcommandbyname.host': 256,
};
function fixedRoom(fn, p) {
  const r = FIXED_OUT[`${fn.name}.${p.name}`];
  if (r === undefined) return undefined;
  if (typeof r === 'number') return r;
  if (constants[r] === undefined) throw new Error(`gen-host: dill_${fn.name}: ${p.name} needs DILL_${r}, which the header does not define`);
  return constants[r];
}

/**
 * Function-pointer parameters: the C thunk passes a fixed trampoline of
 * libdill/host/host.c (which calls back into JS) when the TS argument is a
 * function, NULL when it is null.
 */
const CALLBACKS = {
  'dill_socks5_auth_function *': { kind: 'auth', trampoline: 'dill__host_socks5_auth',
    proto: 'int dill__host_socks5_auth(const char *username, const char *password);' },
};

/** Parameter kinds (how src/host/marshal.ts marshals each). */
function classify(fn) {
  const out = [];
  const ps = fn.params;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i];
    const t = p.type;
    if (p.array2 && t === 'int') out.push({ name: p.name, kind: 'out2', slots: 1 });
    else if (t === 'int64_t' && p.name === 'deadline') out.push({ name: p.name, kind: 'deadline', slots: 1 });
    else if (t === 'int') out.push({ name: p.name, kind: 'int', slots: 1 });
    else if (t === 'size_t') out.push({ name: p.name, kind: 'size', slots: 1 });
    else if (t === 'const void *') out.push({ name: p.name, kind: 'inbuf', slots: 1 });
    else if (t === 'void *') out.push({ name: p.name, kind: 'outbuf', slots: 1 });
    else if (t === 'const char *') out.push({ name: p.name, kind: 'string', slots: 1 });
    else if (t === 'struct dill_ipaddr *' && ps[i + 1] && ps[i + 1].type === 'int' && ps[i + 1].name === 'n' + p.name) {
      // ipaddr_remotes(addrs, naddrs, ...): an array of addresses, its count.
      out.push({ name: p.name, kind: 'ipaddrs', slots: 1 });
    } else if (t === 'const struct dill_ipaddr *') out.push({ name: p.name, kind: 'ipaddr', slots: 1 });
    else if (t === 'struct dill_ipaddr *') out.push({ name: p.name, kind: 'ipaddr_out', slots: 1 });
    else if (t === 'int *') out.push({ name: p.name, kind: 'intout', slots: 1 });
    else if (t === 'char *' && ps[i + 1] && ps[i + 1].type === 'size_t') out.push({ name: p.name, kind: 'charbuf', slots: 1 });
    else if (t === 'char *' && fixedRoom(fn, p) !== undefined) out.push({ name: p.name, kind: 'strbuf', room: fixedRoom(fn, p), slots: 1 });
    else if (CALLBACKS[t]) out.push({ name: p.name, kind: CALLBACKS[t].kind, slots: 1 });
    else if (t === 'struct dill_iolist *' && ps[i + 1] && ps[i + 1].type === 'struct dill_iolist *') {
      out.push({ name: 'iol', kind: 'iolist', slots: 2 });
      i++;
    } else if (t === 'struct dill_chclause *') out.push({ name: p.name, kind: 'clauses', slots: 1 });
    else if (/^struct dill_(\w+) \*$/.test(t) && storage[t.match(/^struct dill_(\w+) \*$/)[1]] !== undefined) {
      out.push({ name: p.name, kind: 'storage', storage: t.match(/^struct dill_(\w+) \*$/)[1], slots: 1 });
    } else {
      throw new Error(`gen-host: no TS mapping for parameter '${t} ${p.name}' of dill_${fn.name}`);
    }
  }
  return out;
}

const calls = decls.map((fn, index) => {
  const params = classify(fn);
  const async = params.some((p) => p.kind === 'deadline') || ASYNC_WITHOUT_DEADLINE.has(fn.name);
  return { index, name: fn.name, cname: fn.cname, ext: fn.ext, ret: fn.ret, cret: fn.cret, async, params, cparams: fn.params, impl: IMPLEMENTED_BY[fn.name] };
});

// ---- C thunks ---------------------------------------------------------------
const castFor = (t) => {
  if (t === 'int') return '(int)';
  if (t === 'int64_t') return '(int64_t)';
  if (t === 'size_t') return '(size_t)';
  return `(${t})(uintptr_t)`;
};
let c = `/* GENERATED by scripts/gen-host.js from libdill/include/libdill.h.
   Do not edit: \`make build\` regenerates it. */
#include <errno.h>
#include <stdint.h>
#include <libdill.h>
#include "boundary.h"

int dill__host_hclose(int h);
${[...new Set(calls.flatMap((x) => x.cparams.filter((p) => CALLBACKS[p.type]).map((p) => CALLBACKS[p.type].proto)))].join('\n')}
`;
for (const call of calls) {
  let slot = 0;
  const args = call.cparams.map((p) => {
    const cb = CALLBACKS[p.type];
    const a = `a[DILL__BLOCK_ARG0 + ${slot++}]`;
    if (cb) return `(${a} != 0 ? ${cb.trampoline} : (${p.type})0)`;
    return `${castFor(p.array2 ? 'int *' : p.type)}${a}`;
  });
  const target = call.impl || call.cname;
  const invoke = `${target}(${args.join(', ')})`;
  c += `\nstatic void dill__hc_${call.name}(double *a) {\n    errno = (int)a[DILL__BLOCK_ERRNO];\n`;
  if (call.ret === 'void') c += `    ${invoke};\n    a[DILL__BLOCK_RESULT] = 0;\n`;
  else if (call.ret === 'string' || call.ret === 'sockaddr') c += `    a[DILL__BLOCK_RESULT] = (double)(uintptr_t)${invoke};\n`;
  else c += `    a[DILL__BLOCK_RESULT] = (double)${invoke};\n`;
  c += `    a[DILL__BLOCK_ERRNO] = errno;\n`;
  c += `    _Static_assert(DILL__BLOCK_ARG0 + ${call.cparams.length} <= DILL__BLOCK_SLOTS, "${call.cname}: too many arguments for an argument block");\n}\n`;
}
c += `\nvoid (*const dill__host_calls[])(double *a) = {\n${calls.map((x) => `    dill__hc_${x.name},`).join('\n')}\n};\n`;
c += `const int dill__host_ncalls = ${calls.length};\n`;

// ---- TypeScript table and types ----------------------------------------------
const tsType = {
  int: 'number', size: 'number', deadline: 'number', inbuf: 'Uint8Array | null', outbuf: 'Uint8Array | null',
  string: 'string | null', out2: 'number[] | null', iolist: 'IoList', clauses: 'ChClause[] | null',
  ipaddr: 'IpAddr | null', ipaddr_out: 'IpAddr | null', ipaddrs: 'IpAddr[] | null', strbuf: 'Uint8Array | null',
  charbuf: 'Uint8Array | null', intout: 'IntOut | null', auth: 'Socks5AuthFn | null',
};
const tsRet = { int: 'number', int64_t: 'number', ssize_t: 'number', void: 'void', string: 'string | null', sockaddr: 'Uint8Array | null' };
let ts = `// GENERATED by scripts/gen-host.js from libdill/include/libdill.h.
// Do not edit: \`make build\` regenerates it.
/* eslint-disable */
import type { IoList, ChClause, Storage, IpAddr, IntOut, Socks5AuthFn } from '../types';

export type ParamKind = 'int' | 'size' | 'deadline' | 'inbuf' | 'outbuf' | 'string' | 'out2' | 'iolist' | 'clauses' | 'storage'
  | 'ipaddr' | 'ipaddr_out' | 'ipaddrs' | 'strbuf' | 'charbuf' | 'intout' | 'auth';
export type RetKind = 'int' | 'int64_t' | 'ssize_t' | 'void' | 'string' | 'sockaddr';
export interface CallDesc {
  readonly index: number;
  readonly name: string;
  /** An extension (dillwasm_*): no dill_ alias. */
  readonly ext: boolean;
  readonly async: boolean;
  readonly ret: RetKind;
  readonly params: readonly { readonly name: string; readonly kind: ParamKind; readonly storage?: string; readonly room?: number }[];
}

/** Every C function of the library, in the order of dill__host_calls. */
export const CALLS: readonly CallDesc[] = ${JSON.stringify(calls.map((x) => ({
  index: x.index, name: x.name, ext: x.ext, async: x.async, ret: x.ret,
  params: x.params.map((p) => (p.storage ? { name: p.name, kind: p.kind, storage: p.storage }
    : p.room !== undefined ? { name: p.name, kind: p.kind, room: p.room } : { name: p.name, kind: p.kind })),
})), null, 2)};

/** The header's numeric constants (DILL_ prefix dropped): CHSEND, IPADDR_IPV4... */
export const CONSTANTS: { readonly [name: string]: number } = ${JSON.stringify(constants, null, 2)};

/** sizeof(struct dill_ipaddr): an IpAddr is a Uint8Array of this many bytes. */
export const IPADDR_SIZE = ${ipaddrSize};

/** Sizes of the opaque storage structs of the _mem functions. */
export const STORAGE_SIZES: { readonly [name: string]: number } = ${JSON.stringify(storage, null, 2)};

/** The header's constants as properties of the API object (dill.SOCKS5_SUCCESS...). */
export interface GeneratedConstants {
${Object.keys(constants).map((k) => `  readonly ${k}: number;`).join('\n')}
}

/**
 * The C-faithful functions: same names, argument order and results as in C.
 * Each is also available with its dill_ prefix, except the extensions
 * (dillwasm_*), which have only their one name.
 */
export interface GeneratedApi {
`;
for (const x of calls) {
  const params = x.params.map((p) => `${p.name}: ${p.kind === 'storage' ? `Storage<'${p.storage}'> | null` : tsType[p.kind]}`).join(', ');
  const ret = x.async ? `Promise<${tsRet[x.ret]}>` : tsRet[x.ret];
  ts += `  /** C: \`${x.cret}${x.cret.endsWith('*') ? '' : ' '}${x.cname}(${x.cparams.map((p) => `${p.type}${p.type.endsWith('*') ? '' : ' '}${p.name}${p.array2 ? '[2]' : ''}`).join(', ') || 'void'})\`${x.async ? ' (returns a Promise)' : ''} */\n`;
  ts += `  ${x.name}(${params}): ${ret};\n`;
  if (!x.ext) ts += `  dill_${x.name}(${params}): ${ret};\n`;
}
ts += '}\n';

fs.mkdirSync(path.dirname(outC), { recursive: true });
fs.mkdirSync(path.dirname(outTs), { recursive: true });
fs.writeFileSync(outC, c);
fs.writeFileSync(outTs, ts);
