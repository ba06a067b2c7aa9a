/**
 * The host bridge between TypeScript and the library module: the C-faithful
 * layer.  What the rest of src/ uses of it:
 *   host.ts      the Host (one library instance) and what it is given
 *   api.ts       the API object made of it (makeApi, CApi)
 * and inside, one concern per module: heap.ts (the wasm memory),
 * context.ts (who is calling: errno per coroutine), marshal.ts (arguments
 * into argument blocks), calls.ts (running calls), fastio.ts (the fast
 * path and the route of every call that can block), tasks.ts (go()),
 * jshandle.ts (handles made in TypeScript).  What C and TypeScript agree
 * on is generated from libdill/host/boundary.h (src/gen/boundary.ts).
 */
import * as path from 'path';

export { Host } from './host';
export type { Internals } from './host';
export { makeApi, hostOf, callDesc, HOST } from './api';
export type { CApi } from './api';
export type { CoroutineFn } from './tasks';
export type { Ctx } from './context';
export type { FlowControl } from './flow';

/** Where the library module is (dist/wasm). */
export const MODULE_JS = path.join(__dirname, '..', 'wasm', 'libdill.js');
