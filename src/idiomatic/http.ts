/**
 * HTTP (C's http_*): request and response heads over a bytestream.
 */
import { CallOptions, deadlineOf } from './calls';
import { cstr } from './bytes';
import { isEpipe } from './errors';
import { Handle } from './handle';
import type { ByteStream } from './bytestream';
import type { Dill } from './dill';

/** A request line received by {@link HttpSocket.recvRequest}. */
export interface HttpRequest {
  /** The method, e.g. `'GET'`. */
  command: string;
  /** The target, e.g. `'/index.html'`. */
  resource: string;
}

/** A status line received by {@link HttpSocket.recvStatus}. */
export interface HttpStatus {
  /** The status code, e.g. 200. */
  status: number;
  /** The reason phrase, e.g. `'OK'`. */
  reason: string;
}

/** A header field received by {@link HttpSocket.recvField}. */
export interface HttpField {
  name: string;
  value: string;
}

/** Room for one received element of an HTTP head (more than a line holds). */
const HTTP_ROOM = 8192;

/**
 * HTTP/1.x request and response heads (C's http_*), over a bytestream.
 * Made by {@link ByteStream.attachHttp}; the body, if any, is read or
 * written on the socket {@link HttpSocket.detach} gives back. Texts are
 * sent and received as UTF-8.
 */
export class HttpSocket<L extends ByteStream = ByteStream> extends Handle {
  private readonly lower: (h: number) => L;

  /** Called by {@link ByteStream.attachHttp}, which makes these objects. @hidden */
  constructor(dill: Dill, handle: number, lower: (h: number) => L) {
    super(dill, handle);
    this.lower = lower;
  }

  /**
   * Sends the request line `command resource HTTP/1.1` (C's
   * http_sendrequest).
   * @throws DillError EINVAL (not a method token, or a resource with spaces
   *   or control characters), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendRequest(command: string, resource: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendrequest', [this.handle, command, resource, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the request line (C's http_recvrequest).
   * @throws DillError EPROTO (malformed), EMSGSIZE (a line too long),
   *   EPIPE (the peer closed; ECONNRESET after), ETIMEDOUT, ECANCELED.
   */
  async recvRequest(opts?: CallOptions): Promise<HttpRequest> {
    const command = new Uint8Array(HTTP_ROOM);
    const resource = new Uint8Array(HTTP_ROOM);
    await this.dill._call('http_recvrequest', [this.handle, command, HTTP_ROOM, resource, HTTP_ROOM, deadlineOf(opts)], opts, this);
    return { command: cstr(command), resource: cstr(resource) };
  }

  /**
   * Sends the status line `HTTP/1.1 status reason` (C's http_sendstatus).
   * @throws DillError EINVAL (status not 100-599, control characters in
   *   the reason), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendStatus(status: number, reason: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendstatus', [this.handle, status, reason, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the status line (C's http_recvstatus).
   * @throws DillError as {@link HttpSocket.recvRequest}.
   */
  async recvStatus(opts?: CallOptions): Promise<HttpStatus> {
    const reason = new Uint8Array(HTTP_ROOM);
    const status = await this.dill._call('http_recvstatus', [this.handle, reason, HTTP_ROOM, deadlineOf(opts)], opts, this);
    return { status, reason: cstr(reason) };
  }

  /**
   * Sends a header field `name: value` (C's http_sendfield), the value
   * without its leading and trailing spaces. Each line is written when it
   * is sent.
   * @throws DillError EINVAL (a bad name, control characters in the
   *   value), EPROTO (an empty value), ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async sendField(name: string, value: string, opts?: CallOptions): Promise<void> {
    await this.dill._call('http_sendfield', [this.handle, name, value, deadlineOf(opts)], opts, this);
  }

  /**
   * Receives the next header field (C's http_recvfield), or null at the
   * blank line that ends them (C's EPIPE; also the peer's end, as
   * upstream's: ECONNRESET after). Each call reads a line: call it no more
   * after null.
   * @throws DillError EPROTO (malformed), EMSGSIZE, ECONNRESET, ETIMEDOUT,
   *   ECANCELED.
   */
  async recvField(opts?: CallOptions): Promise<HttpField | null> {
    const name = new Uint8Array(HTTP_ROOM);
    const value = new Uint8Array(HTTP_ROOM);
    try {
      await this.dill._call('http_recvfield', [this.handle, name, HTTP_ROOM, value, HTTP_ROOM, deadlineOf(opts)], opts, this);
    } catch (e) {
      if (isEpipe(e)) return null;
      throw e;
    }
    return { name: cstr(name), value: cstr(value) };
  }

  /**
   * The header fields received, until the blank line that ends them. The
   * deadline applies to the whole iteration.
   */
  async *fields(opts?: CallOptions): AsyncGenerator<HttpField, void, undefined> {
    for (;;) {
      const f = await this.recvField(opts);
      if (f === null) return;
      yield f;
    }
  }

  /**
   * Ends the head being sent: the blank line (C's http_done), sent once
   * per connection, as upstream's. A client must call it before the
   * server answers.
   * @throws DillError EPIPE if done already, ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async done(opts?: CallOptions): Promise<void> {
    await this.dill._call('http_done', [this.handle, deadlineOf(opts)], opts, this);
  }

  /**
   * Ends the protocol (C's http_detach): ends our head if done() did not,
   * drops the rest of the peer's head if no blank line came from it yet,
   * and gives the bytestream back,
   * positioned at the body. This object is closed even if it fails (and
   * so, as in C, is the socket).
   * @throws DillError ECONNRESET, ETIMEDOUT, ECANCELED.
   */
  async detach(opts?: CallOptions): Promise<L> {
    return this.lower(await this.terminate('http_detach', [deadlineOf(opts)], opts));
  }
}
