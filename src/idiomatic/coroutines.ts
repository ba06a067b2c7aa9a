/**
 * Coroutines and what they share: {@link Coroutine} (one started by
 * Dill.go), {@link Bundle} (C's bundle of coroutines) and {@link Channel}
 * (one end of C's channel).
 */
import { CallOptions, deadlineOf, deferred, receiveUntil } from './calls';
import { isEpipe } from './errors';
import { Handle } from './handle';
import type { Dill } from './dill';

/** Options of {@link Channel.recv} and {@link Channel.messages}. */
export interface ChannelRecvOptions extends CallOptions {
  /** Size of the message to receive (default: the channel's messageSize). */
  size?: number;
}

/**
 * A coroutine started by {@link Dill.go}: the handle of its bundle. Closing
 * it cancels the coroutine: its pending and later library calls fail with
 * ECANCELED.
 */
export class Coroutine<T = unknown> extends Handle {
  /**
   * What the async function returned, or its exception. (A rejection that
   * nobody looks at is not reported as unhandled.)
   */
  readonly result: Promise<T>;

  /** Called by {@link Dill.go}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, result: Promise<T>) {
    super(dill, handle);
    this.result = result;
  }

  /**
   * Waits until the coroutine has finished (C's bundle_wait), then gives
   * its result, or throws its exception.
   * @throws DillError ETIMEDOUT at the deadline, ECANCELED.
   */
  async wait(opts?: CallOptions): Promise<T> {
    await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    return this.result;
  }
}

/**
 * A bundle of coroutines (C's bundle): they run until they finish or the
 * bundle is closed, which cancels those still running.
 */
export class Bundle extends Handle {
  private errors: unknown[] = [];

  /**
   * Runs `fn` as a coroutine in the bundle (C's bundle_go). Returns its
   * result (a rejection nobody looks at is not reported as unhandled; the
   * first one is thrown by {@link Bundle.wait}).
   */
  go<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    this.dill._precheck('bundle_go', undefined, this);
    const r = deferred<T>();
    const rc = this.dill.api.bundle_go(this.handle, async () => {
      try { r.resolve(await fn()); } catch (e) { this.errors.push(e); r.reject(e); }
    });
    if (rc < 0) throw this.dill.error('bundle_go');
    return r.promise;
  }

  /**
   * Waits until every coroutine of the bundle has finished (C's
   * bundle_wait). Then, if some of them threw since the last wait, throws
   * the first of these exceptions.
   * @throws DillError ETIMEDOUT at the deadline (the coroutines go on).
   */
  async wait(opts?: CallOptions): Promise<void> {
    await this.dill._call('bundle_wait', [this.handle, deadlineOf(opts)], opts, this);
    const errors = this.errors;
    this.errors = [];
    if (errors.length) throw errors[0];
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
   * messageSize), until the peer's done() (EPIPE ends the iteration); other
   * errors are thrown. The deadline applies to the whole iteration.
   */
  messages(opts?: ChannelRecvOptions): AsyncGenerator<Uint8Array, void, undefined> {
    return receiveUntil(() => this.recv(opts), isEpipe);
  }

  /** `for await (const msg of ch)`: {@link Channel.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.messages();
  }
}
