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
 * What a coroutine's function is given: `signal` aborts when the coroutine
 * is cancelled (its {@link Coroutine} or {@link Bundle} closed, by close(),
 * `using` or `await using`), with a DillError ECANCELED as its reason. It
 * never aborts for a coroutine that has finished.
 */
export interface CoroutineContext {
  /** Aborts when the coroutine is cancelled; `signal.reason` is a DillError ECANCELED. */
  readonly signal: AbortSignal;
}

/**
 * The abort signal of one coroutine (made by Dill.go and Bundle.go).
 * @hidden
 */
export class CoroutineSignal {
  private readonly ctl = new AbortController();
  /** True once the coroutine's function has finished. */
  private finished = false;

  constructor(private readonly dill: Dill) {}

  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** The coroutine's function has finished: the signal will never abort. */
  finish(): void {
    this.finished = true;
  }

  /** The coroutine was cancelled: aborts with a DillError ECANCELED, unless it has finished. */
  abort(): void {
    if (this.finished || this.ctl.signal.aborted) return;
    this.ctl.abort(this.dill.error('hclose', this.dill.api.ECANCELED));
  }

  /**
   * Whether `e` is what cancelling made the function throw: the ECANCELED
   * of a library call, the signal's reason (fetch), or an error caused by it
   * (Node's timers and streams: an AbortError whose `cause` is the reason).
   */
  isCancellation(e: unknown): boolean {
    if (isCanceled(e)) return true;
    const reason: unknown = this.ctl.signal.reason;
    if (!this.ctl.signal.aborted) return false;
    return e === reason || (typeof e === 'object' && e !== null && (e as { cause?: unknown }).cause === reason);
  }
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
  /** The coroutine's abort signal. */
  private readonly sig: CoroutineSignal;

  /** Called by {@link Dill.go}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, result: Promise<T>, sig: CoroutineSignal) {
    super(dill, handle);
    this.done = result;
    this.sig = sig;
    result.then(undefined, (e: unknown) => {
      this.thrown = { error: e };
      this.surface();
    });
  }

  /**
   * The coroutine's abort signal (the one its function was given): it
   * aborts when the coroutine is closed, with a DillError ECANCELED.
   */
  get signal(): AbortSignal {
    return this.sig.signal;
  }

  /**
   * Closes the coroutine (C's hclose), cancelling it: its library calls
   * fail with ECANCELED, then its signal aborts (unless it had finished).
   */
  override close(): void {
    try {
      super.close();
    } finally {
      this.sig.abort();
    }
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
    if (this.closed && this.sig.isCancellation(this.thrown.error)) return;
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
  /** The signals of the coroutines still running. */
  private readonly running = new Set<CoroutineSignal>();

  /**
   * Runs `fn` as a coroutine in the bundle (C's bundle_go). Returns its
   * result, or its exception (which {@link Bundle.wait} throws too). `fn`
   * is given `{ signal }`, which aborts when the bundle is closed while the
   * coroutine runs (see {@link CoroutineContext}).
   */
  go<T>(fn: (ctx: CoroutineContext) => T | PromiseLike<T>): Promise<T> {
    this.dill._precheck('bundle_go', undefined, this);
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    const sig = new CoroutineSignal(this.dill);
    const rc = this.dill.api.bundle_go(this.handle, async () => {
      let value: T;
      try {
        value = await fn({ signal: sig.signal });
      } catch (e) {
        sig.finish();
        this.running.delete(sig);
        // The cancellation that closing asked for is not reported; other
        // exceptions are held back for a wait() in progress, which takes them.
        const canceled = this.closed && sig.isCancellation(e);
        const owed = !canceled && this.waits > 0;
        this.errors.push({ error: e, owed });
        if (canceled || owed) promise.catch(() => {});
        reject(e);
        return;
      }
      sig.finish();
      this.running.delete(sig);
      resolve(value);
    });
    if (rc < 0) throw this.dill.error('bundle_go');
    this.running.add(sig);
    return promise;
  }

  /**
   * Closes the bundle (C's hclose), cancelling its coroutines: their
   * library calls fail with ECANCELED, then the signal of each one still
   * running aborts.
   */
  override close(): void {
    try {
      super.close();
    } finally {
      const sigs = [...this.running];
      this.running.clear();
      for (const s of sigs) s.abort();
    }
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
