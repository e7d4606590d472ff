import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createConnectionGuard } from '../../src/collector/connection-guard.ts';

/** Just enough of a socket: it can be destroyed, and says when it closes. */
function fakeSocket(name: string) {
  const socket = Object.assign(new EventEmitter(), {
    name,
    destroyed: false,
    destroy() {
      socket.destroyed = true;
      socket.emit('close');
      return socket;
    },
  });
  return socket as unknown as Socket;
}

/** n fake sockets. */
const sockets = (n: number): Socket[] => Array.from({ length: n }, (_, i) => fakeSocket(String(i)));

describe('createConnectionGuard', () => {
  const setup = (max: number) => {
    const events = { evicted: 0, refused: 0 };
    const guard = createConnectionGuard(max, { evicted: () => events.evicted++, refused: () => events.refused++ });
    return { guard, events };
  };

  it('at the ceiling closes the connection that has waited longest', () => {
    const { guard, events } = setup(3);
    const [a, b, c, d] = sockets(4) as [Socket, Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.admit(c);
    guard.admit(d);
    assert.deepEqual([a.destroyed, b.destroyed, c.destroyed, d.destroyed], [true, false, false, false]);
    assert.equal(guard.size, 3);
    assert.equal(events.evicted, 1);
  });

  it('never closes a busy connection, and refuses a new one when all are busy', () => {
    const { guard, events } = setup(2);
    const [a, b, c] = sockets(3) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.busy(a);
    guard.busy(b);
    guard.admit(c);
    assert.deepEqual([a.destroyed, b.destroyed, c.destroyed], [false, false, true]);
    assert.equal(events.refused, 1);
  });

  it('puts a connection that was answered at the back of the line', () => {
    const { guard } = setup(2);
    const [a, b, c] = sockets(3) as [Socket, Socket, Socket];
    guard.admit(a);
    guard.admit(b);
    guard.busy(a);
    guard.waiting(a);
    guard.admit(c);
    assert.deepEqual([a.destroyed, b.destroyed, c.destroyed], [false, true, false]);
  });

  it('forgets a connection once it closes', () => {
    const { guard } = setup(1);
    const [a, b] = sockets(2) as [Socket, Socket];
    guard.admit(a);
    a.destroy();
    guard.admit(b);
    assert.equal(guard.size, 1);
    assert.equal(b.destroyed, false);
  });
});
