/**
 * A hard ceiling on open connections that slow or idle clients cannot use to
 * lock real senders out. Each connection is either *waiting* (no request yet,
 * a request still arriving, or idle between keep-alive requests) or *busy*
 * (its report is read and being stored). At the ceiling, a new connection
 * takes the place of the connection that has been waiting longest; only when
 * every connection is busy is the new one refused. A sender that delivers its
 * report in milliseconds is never the one that waited longest, so a thousand
 * trickling connections cannot keep it out; at worst they lose their place,
 * and they could not have sent anything useful there anyway.
 */
import type { Socket } from 'node:net';

export interface ConnectionGuard {
  /** Takes a new connection in, making room (or refusing it) at the ceiling. */
  admit(socket: Socket): void;
  /** Its request is read: it must not be dropped now. */
  busy(socket: Socket): void;
  /** Answered: it waits for another request, at the back of the line. */
  waiting(socket: Socket): void;
  /** Connections open now. */
  readonly size: number;
}

export interface GuardEvents {
  /** A waiting connection was closed to make room. */
  evicted(): void;
  /** A new connection was refused: every open one was busy. */
  refused(): void;
}

export function createConnectionGuard(maxConnections: number, events: GuardEvents): ConnectionGuard {
  // Insertion order is the order connections started waiting: the first waiting entry is the oldest.
  const open = new Map<Socket, 'waiting' | 'busy'>();

  const makeRoom = (): boolean => {
    for (const [socket, state] of open) {
      if (state !== 'waiting') continue;
      open.delete(socket);
      socket.destroy();
      events.evicted();
      return true;
    }
    return false;
  };

  return {
    admit(socket) {
      if (open.size >= maxConnections && !makeRoom()) {
        socket.destroy();
        events.refused();
        return;
      }
      open.set(socket, 'waiting');
      socket.once('close', () => open.delete(socket));
    },
    busy(socket) {
      if (open.has(socket)) open.set(socket, 'busy');
    },
    waiting(socket) {
      if (!open.has(socket) || socket.destroyed) return;
      open.delete(socket);
      open.set(socket, 'waiting');
    },
    get size() {
      return open.size;
    },
  };
}
