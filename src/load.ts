/**
 * load(): a new instance of the library and its C-faithful API. A module of
 * its own so that the package entry (src/index.ts) and the idiomatic layer's
 * Dill.load both import it, and neither imports the other.
 */
import { Host, makeApi, CApi, MODULE_JS } from './host';

/** Loads a new instance of the library. */
export async function load(): Promise<CApi> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const factory = require(MODULE_JS) as (opts?: object) => Promise<{ dill: ConstructorParameters<typeof Host>[0] }>;
  const mod = await factory();
  return makeApi(new Host(mod.dill));
}
