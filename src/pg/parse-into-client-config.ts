/**
 * `parseIntoClientConfig(str)` from pg-connection-string (which Neon re-exports): a connection
 * string as a `ClientConfig` — the parsed keys without null/undefined values, `port` a number.
 * Parsing is edgepg's own (core/connection-string.ts, pg-connection-string's rules), so malformed
 * strings give a `ConfigError` with the password redacted.
 */
import type { ClientConfig } from '../client/client.js';
import { parseConnectionStringSafe } from '../core/connection-parameters.js';
import { ConfigError } from '../core/errors.js';

export function parseIntoClientConfig(str: string): ClientConfig {
  const config: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(parseConnectionStringSafe(str))) {
    if (value === undefined || value === null) continue;
    if (key === 'port') {
      // An absent port parses as '': left out rather than NaN.
      if (value === '') continue;
      const port = Number.parseInt(String(value), 10);
      if (Number.isNaN(port)) throw new ConfigError(`Invalid port: ${String(value)}`);
      config.port = port;
    } else {
      config[key] = value;
    }
  }
  return config as ClientConfig;
}
