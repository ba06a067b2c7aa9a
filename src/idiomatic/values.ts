/**
 * Channels of JavaScript values: {@link ValueChannel} (one end of a C
 * channel whose messages are the 4-byte ids of values kept here, so a value
 * is passed by reference, never copied) and `choose` over several channel
 * operations (C's choose), value and byte channels mixed.
 */
import { CallOptions, Pending, deadlineOf, receiveUntil } from './calls';
import { isEpipe } from './errors';
import { Handle } from './handle';
import { Channel } from './coroutines';
import type { Dill } from './dill';

/** Size of a message of a value channel: the id of the value. */
const ID_SIZE = 4;

/** The message carrying id `id`. */
function idBytes(id: number): Uint8Array {
  const b = new Uint8Array(ID_SIZE);
  new DataView(b.buffer).setUint32(0, id, true);
  return b;
}

/** The id a message carries. */
function idOf(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, ID_SIZE).getUint32(0, true);
}

/**
 * The values in flight on one channel (shared by its two ends): a value is
 * put here when a send starts and taken out by the receive that gets its id,
 * or removed when the send fails.
 */
class ValueTable {
  private next = 1;
  private readonly values = new Map<number, unknown>();

  /** Stores `value`; its id (never 0, never one in use). */
  put(value: unknown): number {
    let id = this.next;
    while (this.values.has(id)) id = id >= 0xffffffff ? 1 : id + 1;
    this.next = id >= 0xffffffff ? 1 : id + 1;
    this.values.set(id, value);
    return id;
  }

  /** Takes the value of `id` out; `found` false if there is none. */
  take(id: number): { found: boolean; value: unknown } {
    if (!this.values.has(id)) return { found: false, value: undefined };
    const value = this.values.get(id);
    this.values.delete(id);
    return { found: true, value };
  }

  /** Removes the value of `id` (its send did not happen). */
  drop(id: number): void {
    this.values.delete(id);
  }
}

/**
 * One end of a channel of JavaScript values (made in pairs by
 * `d.channel<T>()`): a C channel whose messages are ids, the values
 * themselves staying in JavaScript. A value arrives as the very object sent
 * (same identity: objects, functions, Maps, class instances; nothing is
 * copied or serialised). As with C's channels a send waits for a receiver
 * and vice versa; deadlines, signals, done() (EPIPE) and closing behave as
 * for a byte {@link Channel}.
 */
export class ValueChannel<T = unknown> extends Handle implements AsyncIterable<T> {
  /** The values in flight (shared with the other end). */
  private readonly table: ValueTable;

  /**
   * Takes ownership of channel handle `handle`. Called by `d.channel()`,
   * which makes these objects.
   * @param peer The other end, made first (the two share the values in flight).
   * @hidden
   */
  constructor(dill: Dill, handle: number, peer?: ValueChannel<T>) {
    super(dill, handle);
    this.table = peer ? peer.table : new ValueTable();
  }

  /**
   * Sends `value` (C's chsend of its id): resolves once a receiver has
   * taken it. The receiver gets this very value (by reference).
   * @throws DillError EPIPE after done(), ETIMEDOUT, ECANCELED (the value
   *   is then not delivered).
   */
  async send(value: T, opts?: CallOptions): Promise<void> {
    this.dill._precheck('chsend', opts, this);
    const deadline = deadlineOf(opts);
    const id = this.table.put(value);
    try {
      await this.dill._call('chsend', [this.handle, idBytes(id), ID_SIZE, deadline], opts, this);
    } catch (e) {
      this.table.drop(id);
      throw e;
    }
  }

  /**
   * Receives a value (C's chrecv).
   * @throws DillError EPIPE once the peer called done() and every value
   *   sent before was received; ETIMEDOUT, ECANCELED, EBADF once closed.
   */
  async recv(opts?: CallOptions): Promise<T> {
    const buf = new Uint8Array(ID_SIZE);
    await this.dill._call('chrecv', [this.handle, buf, ID_SIZE, deadlineOf(opts)], opts, this);
    return this._take(buf);
  }

  /** Closes sending to this end's peer (C's chdone): its receives then fail with EPIPE. */
  done(): void {
    this.dill._precheck('chdone', undefined, this);
    if (this.dill.api.chdone(this.handle) < 0) throw this.dill.error('chdone');
  }

  /**
   * The values received until the peer's done() (EPIPE ends the iteration)
   * or this end is closed, even while the iteration waits (that ends it
   * quietly too); other errors are thrown. The deadline applies to the
   * whole iteration.
   */
  messages(opts?: CallOptions): AsyncGenerator<T, void, undefined> {
    return receiveUntil(() => this.recv(opts), (e) => isEpipe(e) || this.closed);
  }

  /** `for await (const value of ch)`: {@link ValueChannel.messages} with no options. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.messages();
  }

  /** Stores a value to send; its id. @internal */
  _put(value: unknown): number {
    return this.table.put(value);
  }

  /** Removes a value whose send did not happen. @internal */
  _drop(id: number): void {
    this.table.drop(id);
  }

  /** The value whose id message `buf` received. @internal */
  _take(buf: Uint8Array): T {
    const id = idOf(buf);
    const got = this.table.take(id);
    if (!got.found) {
      throw new Error(`ValueChannel: received id ${id}, which no send on this channel made (was its handle used through the C-faithful API?)`);
    }
    return got.value as T;
  }
}

/**
 * A new pair of connected value channel ends (C's chmake).
 * @internal
 */
export function valueChannelPair<T>(dill: Dill): [ValueChannel<T>, ValueChannel<T>] {
  const chv = [0, 0];
  if (dill.api.chmake(chv) < 0) throw dill.error('chmake');
  const a = new ValueChannel<T>(dill, chv[0]);
  return [a, new ValueChannel<T>(dill, chv[1], a)];
}

/**
 * One operation of {@link Dill.choose}: receive from a channel end
 * (`{ in: ch }`; for a byte {@link Channel}, `size` defaults to its
 * messageSize) or send to one (`{ out: ch, value }` on a
 * {@link ValueChannel}, `{ out: ch, data }` on a byte Channel).
 */
export type ChooseClause =
  | { readonly in: ValueChannel<any> }
  | { readonly out: ValueChannel<any>; readonly value: unknown }
  | { readonly in: Channel; readonly size?: number }
  | { readonly out: Channel; readonly data: Uint8Array };

/** What clause `C` gives: the value or bytes received for `in`, undefined for `out`. */
export type ChooseValue<C> =
  C extends { readonly in: ValueChannel<infer T> } ? T
    : C extends { readonly in: Channel } ? Uint8Array
      : undefined;

/**
 * What {@link Dill.choose} resolves with for clauses `C`: the index of the
 * clause that ran and what it gives (see {@link ChooseValue}).
 */
export type ChooseResult<C extends readonly ChooseClause[]> = {
  [K in keyof C]: {
    index: K extends `${infer N extends number}` ? N : number;
    value: ChooseValue<C[K]>;
  };
}[number];

/**
 * Clauses `C` with each value sent on a ValueChannel<T> required to be a T.
 */
export type CheckedClauses<C extends readonly ChooseClause[]> = {
  readonly [K in keyof C]: C[K] extends { readonly out: ValueChannel<infer T> }
    ? { readonly out: ValueChannel<T>; readonly value: T }
    : C[K];
};

/** A clause as choose runs it. */
interface Planned {
  ch: ValueChannel | Channel;
  op: 'in' | 'out';
  /** The C clause's buffer: the bytes to send, or where to receive. */
  buf: Uint8Array;
  /** The id of the value an `out` clause on a ValueChannel sends (0: none). */
  id: number;
}

/** Checks clause `c` (number `i`) and what it will send or receive into (nothing stored yet). */
function plan(c: unknown, i: number): { ch: ValueChannel | Channel; op: 'in' | 'out'; size: number; data: Uint8Array | null; value: unknown } {
  const bad = (why: string): TypeError => new TypeError(`choose: clauses[${i}] ${why}`);
  if (!c || typeof c !== 'object') throw bad('must be { in: channel } or { out: channel, value | data }');
  const cl = c as { in?: unknown; out?: unknown; value?: unknown; data?: unknown; size?: unknown };
  const hasIn = 'in' in cl, hasOut = 'out' in cl;
  if (hasIn === hasOut) throw bad('must have exactly one of `in` and `out`');
  const op = hasIn ? 'in' : 'out';
  const ch = hasIn ? cl.in : cl.out;
  if (ch instanceof ValueChannel) {
    return { ch, op, size: ID_SIZE, data: null, value: cl.value };
  }
  if (!(ch instanceof Channel)) throw bad(`.${op} must be a ValueChannel or a Channel`);
  if (op === 'out') {
    if (!(cl.data instanceof Uint8Array)) throw bad('.data must be a Uint8Array (the message sent on a byte Channel)');
    return { ch, op, size: cl.data.byteLength, data: cl.data, value: undefined };
  }
  const size = cl.size ?? ch.messageSize;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw bad('.size must be a byte count (or the channel have a messageSize)');
  }
  return { ch, op, size, data: null, value: undefined };
}

/**
 * Runs C's choose over `clauses`.
 * @internal
 */
export async function chooseClauses(dill: Dill, clauses: readonly ChooseClause[], opts: CallOptions | undefined): Promise<{ index: number; value: unknown }> {
  if (!Array.isArray(clauses)) throw new TypeError('choose: clauses must be an array');
  const checked = clauses.map((c: unknown, i) => plan(c, i));
  for (const c of checked) if (c.ch.closed) throw dill.error('choose', dill.api.EBADF);
  dill._precheck('choose', opts, null);
  const deadline = deadlineOf(opts);
  const planned: Planned[] = checked.map((c) => {
    if (c.op === 'out' && c.ch instanceof ValueChannel) {
      const id = c.ch._put(c.value);
      return { ch: c.ch, op: c.op, buf: idBytes(id), id };
    }
    return { ch: c.ch, op: c.op, buf: c.data ?? new Uint8Array(c.size), id: 0 };
  });
  /** The index of the clause that ran, once choose succeeded. */
  let ran = -1;
  try {
    const cls = planned.map((c) => ({
      op: c.op === 'in' ? dill.api.CHRECV : dill.api.CHSEND,
      ch: c.ch.handle,
      val: c.buf,
      len: c.buf.byteLength,
    }));
    const p = dill._start('choose', [cls, cls.length, deadline], opts, null);
    // Closing any of the channel ends cancels the call (ECANCELED), as
    // closing a Channel cancels its pending recv.
    const cancel = (): void => p.cancel();
    const owners = new Set(planned.map((c) => c.ch));
    for (const ch of owners) ch._inflight.add(cancel);
    const forget = (): void => { for (const ch of owners) ch._inflight.delete(cancel); };
    p.raw.then(forget, forget);
    const index = await p.outcome();
    // C's choose can return the index of the clause that ran with errno
    // set (EPIPE, EMSGSIZE, EBADF...).
    const errno = p.errno;
    if (errno !== 0) throw dill.error('choose', errno);
    ran = index;
    const c = planned[index];
    if (c.op === 'out') return { index, value: undefined };
    return { index, value: c.ch instanceof ValueChannel ? c.ch._take(c.buf) : c.buf };
  } finally {
    // The values of the sends that did not happen.
    planned.forEach((c, i) => { if (c.id !== 0 && i !== ran) (c.ch as ValueChannel)._drop(c.id); });
  }
}
