/**
 * Who is calling: the context of each TypeScript coroutine (its errno and
 * its task in the library), found through AsyncLocalStorage, and the guard
 * that keeps a callback C is running from calling back into the library.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { LibraryExports } from '../gen/boundary';

/** The state of one TypeScript coroutine. */
export interface Ctx {
  errno: number;
  /** Its task in the library (libdill/host/host.c), 0 for none. */
  readonly task: number;
  /**
   * Set once the operation of a TypeScript-made handle this context runs
   * was abandoned (its caller timed out or was canceled): its later calls
   * fail with ECANCELED.
   */
  aborted?: boolean;
  /**
   * Whether the calls made with this context keep Node alive while they
   * are pending (the idiomatic layer gives each call of a handle object
   * the object's, for its ref()/unref()); without one they do.
   */
  keepAlive?: KeepAlive;
  /**
   * Set to null by a caller that wants to know why its call failed (the
   * idiomatic layer, for `cause`): then, if a TypeScript callback the call
   * ran threw an exception that became the call's errno (a socket written
   * in TypeScript throwing a DillError), { thrown: that exception }.
   */
  cause?: { thrown: unknown } | null;
}

/**
 * Whether a group of pending calls keeps Node alive (the idiomatic
 * layer's ref()/unref() of a handle object): Calls.hold counts the calls
 * of a context carrying it through it.
 */
export class KeepAlive {
  private on = true;
  /** Its calls pending. */
  private pending = 0;
  /** What counts the calls that keep Node alive (Calls.hold's), once one was pending. */
  private counter: ((d: number) => void) | null = null;

  /** Whether its pending calls keep Node alive (true at first). */
  get refed(): boolean {
    return this.on;
  }

  /** Its pending calls keep Node alive (true) or not (false), from now on: those pending now too. */
  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (this.pending > 0 && this.counter) this.counter(on ? this.pending : -this.pending);
  }

  /** `d` more (or fewer) of its calls pending (Calls.hold): counted by `counter` while it is ref'd. */
  add(d: number, counter: (d: number) => void): void {
    this.pending += d;
    this.counter = counter;
    if (this.on) counter(d);
  }
}

/** A coroutine's context whose task is set and cleared. */
export interface TaskCtx extends Ctx {
  task: number;
}

export class Contexts {
  /** The context of code outside any go()-started coroutine. */
  readonly root: TaskCtx = { errno: 0, task: 0 };
  private readonly als = new AsyncLocalStorage<Ctx>();
  /** Set while C runs a TS callback that must not call the library (auth_fn, a vfs's query). */
  private inCallback: string | null = null;

  constructor(private readonly X: LibraryExports) {}

  /** The calling coroutine's context. */
  current(): Ctx {
    return this.als.getStore() ?? this.root;
  }

  /** Runs fn in context ctx (and what it starts, asynchronously too). */
  run<T>(ctx: Ctx, fn: () => T): T {
    return this.als.run(ctx, fn);
  }

  /** A context whose calls are to fail with ECANCELED. */
  canceled(ctx: Ctx): boolean {
    return !!ctx.aborted || (ctx.task !== 0 && this.X.dill__host_task_canceled(ctx.task) !== 0);
  }

  /**
   * A callback runs in the middle of a C function, on its coroutine's stack:
   * calling into the library from there could close or reuse what that
   * function is working on, or switch coroutines under it.
   */
  reentered(name: string): void {
    if (this.inCallback) throw new Error(`${name}: a callback called from the library (${this.inCallback}) must not call into the library`);
  }

  /** Runs callback fn (`what` C is calling) with library calls refused. */
  callback<T>(what: string, fn: () => T): T {
    this.inCallback = what;
    try {
      return fn();
    } finally {
      this.inCallback = null;
    }
  }
}
