/**
 * Flowing reads: the bytes of an IPC or TCP connection handed to a callback
 * as they arrive, without a call (and its Promise) per chunk, as Node's own
 * sockets hand theirs to a stream.  For the idiomatic layer's Node Duplex
 * (src/idiomatic/streams.ts).  While a socket flows, its receiving is busy
 * as during a receive waiting in JS (dill__host_park: another receive gets
 * EBUSY); the flow stops when the callback wants no more (backpressure),
 * when the stream ends or fails (the caller then receives the general way,
 * which reports it as C does), or when the socket is closed.
 */
import { DIR_RECV, LibraryExports } from '../gen/boundary';
import type { Calls } from './calls';
import type { Ctx } from './context';
import type { Heap } from './heap';
import type { ShimEndpoint, ShimNet } from './fastio';

/** A flowing socket, as its starter sees it. */
export interface FlowControl {
  /** True once it stopped (stop(), onChunk's false, the end, the socket closed). */
  readonly done: boolean;
  /** Stops it (nothing if it stopped already). */
  stop(): void;
}

/** A socket flowing. */
interface Flow extends FlowControl {
  ep: ShimEndpoint;
  /** Its socket's busy flag (dill__host_park). */
  flag: number;
  max: number;
  ctx: Ctx;
  /** Takes a chunk; false: no more for now. */
  onChunk(chunk: Uint8Array): boolean;
  /** The flow stopped by itself: the end of the stream, an error, or the socket closed. */
  onEnd(): void;
  /** Its onChange callback. */
  wake(): void;
  done: boolean;
}

export class Flows {
  /** The flow of each socket flowing (ep.parked is it too). */
  private readonly flows = new WeakMap<ShimEndpoint, Flow>();

  constructor(
    private readonly X: LibraryExports,
    private readonly heap: Heap,
    private readonly net: ShimNet,
    private readonly calls: Calls,
  ) {}

  /**
   * Starts handle h flowing: chunks of up to `max` bytes go to onChunk as
   * they come (at once for those already there), until it returns false
   * or the stream ends or fails (then onEnd).  Returns its control (it may
   * be done already: onChunk and onEnd may run before this returns), or
   * null if h cannot flow (not an IPC or TCP connection that can receive
   * now): the caller receives the general way then.
   */
  start(h: number, max: number, ctx: Ctx, onChunk: (chunk: Uint8Array) => boolean, onEnd: () => void): FlowControl | null {
    const fd = this.X.dill__host_fast(h, DIR_RECV, 0);
    const ep = fd < 0 ? null : this.net.ep(fd);
    if (ep === null || ep.fastRecv === undefined) return null;
    const flag = this.X.dill__host_park(h);
    if (flag === 0) return null;
    const f: Flow = { ep, flag, max, ctx, onChunk, onEnd, wake: () => this.pump(f), done: false, stop: () => this.stop(f) };
    this.flows.set(ep, f);
    ep.parked = f;
    this.calls.hold(1, ctx);
    this.pump(f);
    return f;
  }

  /** Hands over what has arrived; waits for more, or stops. */
  private pump(f: Flow): void {
    while (!f.done) {
      const c = f.ep.takeSome(f.max);
      if (c === null) {
        // The end of the stream or an error: the caller's next receive,
        // the general way, reports it.
        this.stop(f);
        f.onEnd();
        return;
      }
      if (c.byteLength === 0) {
        f.ep.onChange(f.wake);
        return;
      }
      if (!f.onChunk(c)) {
        this.stop(f);
        return;
      }
    }
  }

  /** Stops flow `f`: receiving is free again. */
  private stop(f: Flow): void {
    if (f.done) return;
    this.end(f);
    this.heap.views();
    this.heap.i32[f.flag >> 2] = 0;
  }

  private end(f: Flow): void {
    f.done = true;
    f.ep.parked = null;
    f.ep.offChange(f.wake);
    this.flows.delete(f.ep);
    this.calls.hold(-1, f.ctx);
  }

  /**
   * The descriptor of a socket is cleaned (hclose): if it flows, the flow
   * ends (onEnd) and true; else false.
   */
  clean(ep: ShimEndpoint): boolean {
    const f = this.flows.get(ep);
    if (f === undefined) return false;
    this.end(f);
    queueMicrotask(() => {
      this.X.dill__host_unpark(f.flag, 0);
      f.onEnd();
    });
    return true;
  }
}
