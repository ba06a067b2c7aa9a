/**
 * dillcc: compile a C program written for libdill into a Node.js program.
 *
 *   dillcc prog.c [more.c ...] -o prog.js [emcc flags]
 *   node prog.js args
 */
import { compileSync, withDefaultOutput } from '../toolchain';

export function main(argv: string[]): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(
      'usage: dillcc prog.c [more.c ...] [-o prog.js] [emcc flags]\n' +
      'Compiles a libdill program to prog.js (+ prog.wasm); run it with `node prog.js`.\n');
    return argv.length === 0 ? 1 : 0;
  }
  try {
    return compileSync(withDefaultOutput(argv));
  } catch (e) {
    process.stderr.write(`dillcc: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
