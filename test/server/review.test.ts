/**
 * Regression tests from the review of the server's timeouts: each once accepted a value that
 * made the server misbehave instead of refusing it with a ConfigError.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { resolveOptions } from '../../src/server/options.js';

describe('server timeouts beyond what a timer can hold', () => {
  // Node fires a timer set above 2^31 - 1 ms after 1 ms: a ping interval that large would ping
  // every millisecond and cut every WebSocket session whose pong had not come back yet.
  it.each(['requestTimeoutMillis', 'webSocketPingMillis'] as const)(
    '%s above 2^31 - 1 is a ConfigError',
    (name) => {
      const upstream = 'postgres://127.0.0.1:5432';
      expect(() => resolveOptions({ upstream, [name]: 2 ** 31 })).toThrow(ConfigError);
      expect(resolveOptions({ upstream, [name]: 2 ** 31 - 1 })[name]).toBe(2 ** 31 - 1);
    },
  );

  it('pool.idleTimeoutMillis above 2^31 - 1 is a ConfigError', () => {
    const upstream = 'postgres://127.0.0.1:5432';
    expect(() => resolveOptions({ upstream, pool: { idleTimeoutMillis: 2 ** 31 } })).toThrow(ConfigError);
  });
});
