/**
 * Coroutines and what they share: {@link Coroutine} (one started by
 * Dill.go), {@link Bundle} (C's bundle of coroutines) and {@link Channel}
 * (one end of C's channel).
 */
import { CallOptions, deadlineOf, receiveUntil } from './calls';
import { DillError, isEpipe } from './errors';
import { Handle } from './handle';
import type { Dill } from './dill';

/** Options of {@link Channel.recv} and {@link Channel.messages}. */
export interface ChannelRecvOptions extends CallOptions {
  /** Size of the message to receive (default: the channel's messageSize). */
  size?: number;
}

/** Whether `e` is what the calls of a cancelled coroutine fail with. */
function isCanceled(e: unknown): boolean {
  return e instanceof DillError && e.code === 'ECANCELED';
}

/**
 * Reports `e` as an unhandled rejection, as a rejected promise that nobody
 * awaits would be: Node's default then prints it and exits with code 1, or
 * the application's own 'unhandledRejection' handler gets it.
 */
function reportUnhandled(e: unknown): void {
  void Promise.reject(e);
}

/**
 * A coroutine started by {@link Dill.go}: the handle of its bundle. Closing
 * it cancels the coroutine: its pending and later library calls fail with
 * ECANCELED.
 *
 * An exception of the coroutine is given to whoever looks at it: a
 * {@link Coroutine.wait} in progress when it is thrown, or
 * {@link Coroutine.result} (a promise that then counts as unhandled if it
 * is not awaited, as any promise). If nobody does, it is reported as an
 * unhandled rejection, as a promise that nobody awaits: Node prints it and
 * exits with code 1. The ECANCELED with which a closed coroutine's calls
 * fail is not reported (closing is how coroutines are stopped).
 */
export class Coroutine<T = unknown> extends Handle {
  /** The async function's outcome (its rejection is never reported by itself). */
  private readonly done: Promise<T>;
  /** The promise handed out as `result`, once asked for. */
  private taken: Promise<T> | null = null;
  /** What the function threw, once it has. */
  private thrown: { error: unknown } | null = null;
  /** True once the exception has a taker (or was reported). */
  private seen = false;
  /** wait() calls in progress. */
  private waits = 0;

  /** Called by {@link Dill.go}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, result: Promise<T>) {
    super(dill, handle);
    this.done = result;
    result.then(undefined, (e: unknown) => {
      this.thrown = { error: e };
      this.surface();
    });
  }

  /**
   * What the async function returned, or its exception. Taking this
   * promise makes it the one that carries the exception: if it is not
   * awaited, Node reports its rejection as unhandled.
   */
  get result(): Promise<T> {
    this.seen = true;
    if (!this.taken) this.taken = this.done.then((v) => v);
    return this.taken;
  }

  /** Reports the exception as unhandled unless someone takes it. */
  private surface(): void {
    if (!this.thrown || this.seen || this.waits > 0) return;
    if (this.closed && isCanceled(this.thrown.error)) return;
    this.seen = true;
    reportUnhandled(this.thrown.error);
  }

  /**
   * Waits until the coroutine has finished (C's bundle_wait), then gives
   * its result, or throws its exception (which then counts as handled).
   * @throws DillError ETIMEDOUT at the deadline, ECANCELED (the coroutine
   *   goes on; an exception it throws later is reported as unhandled
   *   unless someone else takes it).
   */
  async wait(opts?: CallOptions): Promise<T> {
    this.waits++;
    try {
      await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    } catch (e) {
      this.waits--;
      this.surface();
      throw e;
    }
    this.waits--;
    this.seen = true;
    return this.done;
  }
}

/**
 * A bundle of coroutines (C's bundle): they run until they finish or the
 * bundle is closed, which cancels those still running.
 *
 * A coroutine's exception goes to the promise {@link Bundle.go} returned
 * and to the next {@link Bundle.wait}. If a wait() is in progress when it
 * is thrown, that wait() takes it; otherwise, if that promise is not
 * awaited, Node reports it as an unhandled rejection (prints it and exits
 * with code 1). The ECANCELED with which the calls of a closed bundle's
 * coroutines fail is not reported.
 */
export class Bundle extends Handle {
  /** Exceptions since the last wait; `owed`: held back from being reported for a wait() in progress. */
  private errors: { error: unknown; owed: boolean }[] = [];
  /** wait() calls in progress. */
  private waits = 0;

  /**
   * Runs `fn` as a coroutine in the bundle (C's bundle_go). Returns its
   * result, or its exception (which {@link Bundle.wait} throws too).
   */
  go<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    this.dill._precheck('bundle_go', undefined, this);
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    const rc = this.dill.api.bundle_go(this.handle, async () => {
      let value: T;
      try {
        value = await fn();
      } catch (e) {
        // The cancellation that closing asked for is not reported; other
        // exceptions are held back for a wait() in progress, which takes them.
        const canceled = this.closed && isCanceled(e);
        const owed = !canceled && this.waits > 0;
        this.errors.push({ error: e, owed });
        if (canceled || owed) promise.catch(() => {});
        reject(e);
        return;
      }
      resolve(value);
    });
    if (rc < 0) throw this.dill.error('bundle_go');
    return promise;
  }

  /**
   * Waits until every coroutine of the bundle has finished (C's
   * bundle_wait). Then, if some of them threw since the last wait, throws
   * that exception, or an `AggregateError` of them (`errors`, in the order
   * thrown) if several did; they then count as handled.
   * @throws DillError ETIMEDOUT at the deadline (the coroutines go on),
   *   ECANCELED.
   */
  async wait(opts?: CallOptions): Promise<void> {
    this.waits++;
    try {
      await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    } catch (e) {
      this.waits--;
      // No wait() left to take what was held back for one: report it.
      if (this.waits === 0) {
        for (const x of this.errors) {
          if (x.owed) { x.owed = false; reportUnhandled(x.error); }
        }
      }
      throw e;
    }
    this.waits--;
    const errors = this.errors.map((x) => x.error);
    this.errors = [];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} coroutines of the bundle threw`);
  }
}

/**
 * One end of a channel (made in pairs by {@link Dill.channel}). Channels pass
 * messages between coroutines; a send waits for a receiver and vice versa.
 */
export class Channel extends Handle implements AsyncIterable<Uint8Array> {
  /** Default message size of {@link Channel.recv} and iteration. */
  readonly messageSize: number | undefined;

  /**
   * Takes ownership of channel handle `handle`.
   * @param messageSize Default message size for receiving.
   */
  constructor(dill: Dill, handle: number, messageSize?: number) {
    super(dill, handle);
    this.messageSize = messageSize;
  }

  /**
   * Sends `msg` (C's chsend): resolves once a receiver has taken it.
   * @throws DillError EPIPE after done(), EMSGSIZE if the receiver wanted
   *   another size, ETIMEDOUT, ECANCELED.
   */
  async send(msg: Uint8Array, opts?: CallOptions): Promise<void> {
    await this.dill._call('chsend', [this.handle, msg, msg.byteLength, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives a message of `opts.size` bytes (default: messageSize), C's
   * chrecv.
   * @throws DillError EPIPE once the peer called done() and every message
   *   sent before was received; EMSGSIZE, ETIMEDOUT, ECANCELED.
   */
  async recv(opts?: ChannelRecvOptions): Promise<Uint8Array> {
    const size = opts?.size ?? this.messageSize;
    if (size === undefined) throw new TypeError('Channel.recv: no size (give opts.size or a messageSize)');
    const buf = new Uint8Array(size);
    await this.dill._call('chrecv', [this.handle, buf, size, deadlineOf(opts)], opts, this);
    return buf;
  }

  /** Closes sending to this end's peer (C's chdone): its receives then fail with EPIPE. */
  done(): void {
    this.dill._precheck('chdone', undefined, this);
    if (this.dill.api.chdone(this.handle) < 0) throw this.dill.error('chdone');
  }

  /**
   * The messages received, each of `opts.size` bytes (default:
   * messageSize), until the peer's done() (EPIPE ends the iteration) or
   * this end is closed, even while the iteration waits (that ends it
   * quietly too, as a Node stream's end); other errors are thrown. The
   * deadline applies to the whole iteration.
   */
  messages(opts?: ChannelRecvOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return receiveUntil(() => this.recv(opts), (e) => isEpipe(e) || this.closed);
  }

  /** `for await (const msg of ch)`: {@link Channel.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.messages();
  }
}
