/**
 * TypeScript coroutines (go(), bundle_go()): each is an async function with
 * a context of its own (its errno) and a task in the library, a placeholder
 * coroutine in its bundle (libdill/host/host.c), so that bundle_wait and
 * hclose see it as C would and the calls made inside it run in the bundle.
 */
import type { LibraryExports } from '../gen/boundary';
import type { Calls, Fiber } from './calls';
import type { Contexts, TaskCtx } from './context';
import type { FastIo } from './fastio';
import type { Heap } from './heap';
import { INT_MAX, INT_MIN, bad } from './marshal';

export type CoroutineFn = () => unknown;

export class Tasks {
  constructor(
    private readonly X: LibraryExports,
    private readonly heap: Heap,
    private readonly fiber: Fiber,
    private readonly errnoCodes: { [name: string]: number },
    private readonly contexts: Contexts,
    private readonly calls: Calls,
    private readonly fastio: FastIo,
  ) {}

  /** bundle_go: runs fn as a coroutine in bundle `bndl`; 0 or -1 with errno. */
  go(bndl: number, fn: CoroutineFn, name: string): number {
    this.contexts.reentered(name);
    const ctx = this.contexts.current();
    if (typeof fn !== 'function') throw new TypeError(`${name}: fn must be a function`);
    if (typeof bndl !== 'number' || !Number.isInteger(bndl) || bndl < INT_MIN || bndl > INT_MAX) {
      throw bad(name, 'bndl', 'must be an integer in the range of a C int');
    }
    if (this.contexts.canceled(ctx)) {
      ctx.errno = this.errnoCodes.ECANCELED;
      return -1;
    }
    const task = this.X.dill__host_task_start(bndl);
    if (!task) {
      this.heap.views();
      ctx.errno = this.heap.errno;
      return -1;
    }
    const child: TaskCtx = { errno: 0, task };
    this.contexts.run(child, () => {
      Promise.resolve().then(fn).finally(() => {
        this.fastio.taskEnded(task);
        child.task = 0;
        this.X.dill__host_task_end(task);
        this.calls.kick();
      });
    });
    if (!this.fiber.running) this.fiber.wake();
    return 0;
  }
}
