/**
 * Lingering close, as nginx's `lingering_close` does it.
 *
 * When the server answers before it has read the whole request body (a body over the limit is
 * refused from its Content-Length, before a byte of it is read), Node closes the connection as
 * soon as the answer is written. The client is often still sending; the first bytes it sends to a
 * closed socket make the server's kernel answer with a reset, and a reset makes the client's
 * kernel throw away whatever it had received and not yet read: the client sees EPIPE or
 * ECONNRESET instead of the 413 it was sent. Clients that send the whole request before reading
 * the answer (most SDKs) lose the answer every time.
 *
 * So after such an answer the server closes only its sending side (the client reads the answer,
 * then the end of the stream), keeps reading and discarding what the client still sends, and
 * closes the connection when the client has finished, or after a bounded time or number of
 * bytes, whichever comes first.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface LingerBounds {
  /** How long to keep discarding after the answer. */
  readonly maxMs: number;
  /** How many more bytes to discard after the answer. */
  readonly maxBytes: number;
}

export const DEFAULT_LINGER: LingerBounds = { maxMs: 10_000, maxBytes: 256 * 1024 * 1024 };

// How often the byte bound is checked: the HTTP parser reads the socket itself, so the bytes that
// arrive are counted from the socket's total, not from events.
const BYTE_CHECK_MS = 100;

/** Sockets that linger: nothing more is to be written to them. */
const lingering = new WeakSet<Socket>();
/** Per connection, the last request answered before its body was read. */
const unread = new WeakMap<Socket, IncomingMessage>();

export function isLingering(socket: Socket): boolean {
  return lingering.has(socket);
}

/**
 * Arms the connection of `request` so that, if Node closes it once the answer is written while
 * the body is still coming, it lingers as described above instead. A connection that stays open
 * (keep-alive: Node then discards the rest of the body itself) or whose body was read whole
 * closes as usual.
 */
export function lingerIfUnread(request: IncomingMessage, bounds: LingerBounds = DEFAULT_LINGER): void {
  const socket = request.socket as Socket | null;
  if (request.complete || !socket || socket.destroyed) return;
  if (!unread.has(socket)) {
    const destroySoon = socket.destroySoon;
    socket.destroySoon = function lingerInsteadOfClosing(this: Socket): void {
      const pending = unread.get(this);
      if (!pending || pending.complete) return destroySoon.call(this);
      // Unread body bytes are discarded, not buffered: a body nobody reads must not fill memory.
      pending.resume();
      lingerThenClose(this, bounds);
    };
  }
  unread.set(socket, request);
}

/**
 * Ends the sending side of `socket` (what was written is delivered, then the end of the stream),
 * discards what the client still sends, and closes once the client has closed its side too, or
 * when the bounds are reached.
 */
export function lingerThenClose(socket: Socket, bounds: LingerBounds): void {
  lingering.add(socket);
  socket.end();
  if (socket.destroyed) return;
  const start = socket.bytesRead;
  const close = () => {
    clearTimeout(timer);
    clearInterval(check);
    socket.destroy();
  };
  const timer = setTimeout(close, bounds.maxMs);
  const check = setInterval(() => {
    if (socket.bytesRead - start > bounds.maxBytes) close();
  }, BYTE_CHECK_MS);
  // Node's HTTP parser goes on reading the socket and drops what it reads (a request's body
  // once dumped, anything after a parse error): no listener of ours, which would take the bytes
  // from the parser and stop the reading.
  socket.once('end', close);
  socket.once('close', () => {
    clearTimeout(timer);
    clearInterval(check);
  });
}
