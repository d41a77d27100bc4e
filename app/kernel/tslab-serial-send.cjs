// Loaded into every tslab kernel the project starts (`node --require <this file> tslab kernel …`, the
// argv of the project's kernelspec), before tslab itself.
//
// tslab sends each Jupyter message on its zeromq sockets without waiting for the send before it.
// zeromq.js (6.x) refuses a send while an earlier one on the same socket is still in progress: it
// throws EBUSY, "Socket is busy writing". An earlier send is still in progress after every 512
// sends that completed at once (zeromq.js then defers one to let the event loop breathe) and whenever
// the socket cannot take a message at once. The message tslab was sending is then lost, without a
// word: a burst of output loses its tail, a failed cell loses the error text it wrote on stderr, and
// the idle status that ends a request goes missing.
//
// Here each socket's sends wait for the one before: the same messages in the same order, none refused.
// And the IOPub publisher keeps every message for a subscriber that reads more slowly than a cell
// prints (zeromq's default high-water mark, 1,000 messages, drops the rest: a long output's tail and
// the idle status after it).
'use strict';
const { createRequire } = require('node:module');

// zeromq as tslab itself resolves it: from the tslab script being run (process.argv[1]).
const zmq = createRequire(process.argv[1] ?? __filename)('zeromq');
const send = zmq.Socket.prototype.send;
const pending = new WeakMap();

Object.defineProperty(zmq.Socket.prototype, 'send', {
  configurable: true,
  writable: false,
  enumerable: false,
  value: function serialSend(...args) {
    const previous = pending.get(this) ?? Promise.resolve();
    const sent = previous.then(() => send.apply(this, args));
    // The next send waits for this one whether it succeeded or not.
    pending.set(this, sent.then(() => undefined, () => undefined));
    return sent;
  },
});

/** Publishers that queue without limit (ZMQ_SNDHWM 0): tslab's IOPub socket is one. */
class Publisher extends zmq.Publisher {
  constructor(options = {}) {
    super({ sendHighWaterMark: 0, ...options });
  }
}
Object.defineProperty(zmq, 'Publisher', { configurable: true, enumerable: true, writable: true, value: Publisher });
