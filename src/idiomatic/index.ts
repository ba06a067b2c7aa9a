/**
 * The idiomatic layer: objects, Promises and exceptions over the C-faithful
 * API (src/host, src/gen/api.ts).
 *
 *   const d = await Dill.load();
 *   await using ls = await d.ipcListen('/tmp/x.sock');
 *   const server = d.go(async () => {
 *     await using s = await ls.accept();
 *     for await (const chunk of s) await s.send(chunk);   // echo until EPIPE
 *   });
 *
 * - Every C handle is an object ({@link Handle}): `close()` is hclose,
 *   `using` / `await using` close it.
 * - A failing call throws a {@link DillError} (code, errno, syscall) instead
 *   of returning -1.
 * - Every call that can block takes {@link CallOptions}: a deadline (as in C)
 *   and an AbortSignal, whose abort cancels the pending call exactly as
 *   hclose of its coroutine would (it fails with ECANCELED).
 * - Coroutines are async functions: {@link Dill.go} and {@link Bundle.go};
 *   closing their handle cancels every library call they make.
 *
 * A module per concern, from the bottom up (a module imports only those
 * above it, except as types):
 *
 *   errors.ts      DillError, errno names
 *   calls.ts       CallOptions, a blocking call in progress (Pending)
 *   bytes.ts       C strings, UTF-8, receive buffers
 *   handle.ts      Handle: ownership of a C handle, close, attach/detach
 *   coroutines.ts  Coroutine, Bundle, Channel
 *   values.ts      ValueChannel (channels of JavaScript values), choose
 *   ip.ts          IpAddress
 *   message.ts     MessageSocket (and TERM attached on it)
 *   prefix.ts, suffix.ts, http.ts, ws.ts, socks5.ts
 *                  the protocols attached on a bytestream
 *   bytestream.ts  ByteStream: receives, chunks, orderly close, attaches
 *   term.ts, tls.ts
 *                  TERM and TLS, which extend the class they attach on
 *   ipc.ts, tcp.ts, udp.ts
 *                  IPC, TCP and UDP sockets
 *   custom.ts      sockets written in TypeScript (hmake)
 *   dill.ts        Dill: one library instance, which makes all of these
 *
 * What only the layer itself uses is tagged internal and left out of the
 * published types (tsconfig's stripInternal). Not so the constructors the
 * library calls, tagged hidden (from the API reference) instead: without its
 * own, a class would be published with its base class's constructor. (This
 * comment must not hold the tags themselves: tsc would strip the statement
 * that follows it.)
 */
export { DillError } from './errors';
export type { CallOptions } from './calls';
export { Handle } from './handle';
export { Coroutine, Bundle, Channel } from './coroutines';
export type { ChannelRecvOptions, CoroutineContext } from './coroutines';
export { ValueChannel } from './values';
export type { ChooseClause, ChooseValue, ChooseResult, CheckedClauses } from './values';
export { ByteStream } from './bytestream';
export type { ChunkOptions } from './bytestream';
export type { NodeStreamOptions } from './streams';
export { IpcListener, IpcSocket } from './ipc';
export { IpAddress } from './ip';
export type { IpMode, IpOptions, IpRemoteOptions } from './ip';
export { TcpListener, TcpSocket } from './tcp';
export { UdpSocket } from './udp';
export type { DatagramRecvOptions, Datagram } from './udp';
export { MessageSocket } from './message';
export type { MessageRecvOptions } from './message';
export { PrefixSocket } from './prefix';
export { SuffixSocket } from './suffix';
export { TermSocket } from './term';
export { HttpSocket } from './http';
export type { HttpRequest, HttpStatus, HttpField } from './http';
export { TlsSocket } from './tls';
export { WebSocket } from './ws';
export type { WsClientOptions, WsServerOptions, WsCloseOptions, WsAccepted, WsMessage, WsStatus } from './ws';
export type { Socks5Command, Socks5Reply, Socks5ConnectOptions, Socks5AcceptOptions, Socks5Request } from './socks5';
export { CustomByteStream, CustomMessageSocket } from './custom';
export type { LayerCallOptions, ByteStreamImpl, MessageSocketImpl } from './custom';
export { Dill } from './dill';
