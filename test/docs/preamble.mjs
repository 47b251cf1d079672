/**
 * Loaded (node --import) before every documentation example: the one-time set-up the README's
 * "Local development" section asks for, so that `process.env.DATABASE_URL` — a connection string
 * naming the local server — works for `neon()` over HTTP and for `Client`/`Pool` over WebSocket,
 * exactly as the examples are written for Neon. Node 20 has no global WebSocket: the driver then
 * uses the `ws` package by itself.
 */
import { neonConfig } from 'edgepg';

neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
neonConfig.useSecureWebSocket = false;
