/**
 * pg's `Connection` (a `net.Socket` wrapper speaking pg-protocol) has no counterpart here:
 * edgepg's Client runs its own pipelined engine over TCP or WebSocket. The name exists so that
 * `import { Connection } from 'pg'` links; constructing one says what to use instead.
 */
import { EventEmitter } from '../core/emitter.js';
import { UsageError } from '../core/errors.js';

export class Connection extends EventEmitter {
  constructor(_config?: unknown) {
    super();
    throw new UsageError(
      "pg's Connection class is not available in edgepg: use Client (its Submittables receive a pg-compatible connection)",
    );
  }
}
