// The published types use Disposable, AsyncDisposable and Symbol.dispose /
// Symbol.asyncDispose (every handle supports `using` and `await using`).
// They come from TypeScript's own lib "esnext.disposable", which a consumer's
// default lib does not always hold (TypeScript 7 with module nodenext does
// not): the directive asks for it in dist/index.d.ts (and so in index.d.mts,
// which re-exports it); preserve="true" keeps it in the emitted declarations.
/// <reference lib="esnext.disposable" preserve="true" />
// The stream adapters' types are Node's (Duplex from node:stream): the
// package depends on @types/node (any version >= 20, so npm shares the
// application's), and the directive makes it part of a consumer's program
// whatever its "types" setting (TypeScript 7 includes no @types by default).
/// <reference types="node" preserve="true" />
/**
 * libdill-wasm for TypeScript.
 *
 *   import { load } from 'libdill-wasm';
 *   const dill = await load();
 *   const [a, b] = [0, 0]; ...
 *
 * `load()` instantiates the library (its own wasm instance, its own handles)
 * and returns the C-faithful API: every C function with the same name,
 * arguments and result, blocking ones returning a Promise, errno per
 * coroutine.
 */
export type { CApi, CoroutineFn } from './host';
export type { IoVec, IoList, ChClause, Storage, IpAddr, IntOut, Socks5AuthFn, ImplIoVec, HVfs, BsockVfs, MsockVfs } from './types';

export { load } from './load';

export { Dill, DillError, Handle, Coroutine, Bundle, Channel, ValueChannel, IpcListener, IpcSocket, ByteStream, IpAddress, TcpListener, TcpSocket, UdpSocket,
  MessageSocket, PrefixSocket, SuffixSocket, TermSocket, HttpSocket, WebSocket, TlsSocket, CustomByteStream, CustomMessageSocket } from './idiomatic/index';
export type { CallOptions, ChunkOptions, NodeStreamOptions, ChannelRecvOptions, ChooseClause, ChooseValue, ChooseResult, CheckedClauses, CoroutineContext, IpMode, IpOptions, IpRemoteOptions, DatagramRecvOptions, Datagram,
  MessageRecvOptions, HttpRequest, HttpStatus, HttpField, WsClientOptions, WsServerOptions, WsCloseOptions, WsAccepted, WsMessage, WsStatus,
  Socks5Command, Socks5Reply, Socks5ConnectOptions, Socks5AcceptOptions, Socks5Request,
  LayerCallOptions, ByteStreamImpl, MessageSocketImpl } from './idiomatic/index';
