/**
 * `neonConfig`: Neon's global configuration object, shared by `neon()` (HTTP keys) and `Client`
 * / `Pool` (WebSocket keys).
 *
 * As in `@neondatabase/serverless`, every key reads `neonConfig.opts[key] ?? neonConfig.defaults[key]`,
 * so assigning `undefined` restores the default. A `Client` reads the WebSocket keys once, when it
 * connects, merged under its own `client.neonConfig` and constructor options.
 *
 * When the HTTP path reads it: `neon()` copies its own options once, but `fetchEndpoint`,
 * `fetchFunction` and `disableWarningInBrowsers` are read from here when each query runs, because
 * that is Neon's contract: apps create `sql = neon(url)` at module load and set
 * `neonConfig.fetchEndpoint` later (local development, test set-up). Pass `fetchEndpoint` /
 * `fetchFunction` to `neon()` to keep an instance independent of the global.
 */

import { realmSingleton } from './realm-singleton.js';

export interface FetchEndpointOptions {
  /** True when the query carries an `authToken` (Neon then uses its `apiauth.` host). */
  jwtAuth?: boolean;
}

/** A full `/sql` URL, or a function from the database host and port to one. */
export type FetchEndpoint =
  | string
  | ((host: string, port: number | string, options?: FetchEndpointOptions) => string);

/** The structural WebSocket constructor the client accepts (WHATWG-like: `ws`, global, undici). */
// biome-ignore lint/suspicious/noExplicitAny: mirrors Neon's `webSocketConstructor: any`, so any WebSocket class fits
export type WebSocketConstructorOption = any;

export interface NeonConfig {
  /** WebSocket class (e.g. `ws` in Node < 22). Setting it makes `Client`/`Pool` use WebSocket. */
  webSocketConstructor: WebSocketConstructorOption;
  /**
   * Where WebSockets go: a `'host:port/path'` string (gets `?address=<pg host>:<pg port>`) or
   * `(host, port) => 'host:port/path'`. Default: `<pg host>/v2`. Setting it selects WebSocket.
   */
  wsProxy: string | ((host: string, port: number | string) => string) | undefined;
  /** `wss:` (default) or `ws:`. */
  useSecureWebSocket: boolean;
  /** `'password'` (default over WebSocket), `'auto'` or `false`: see CONFIG.md. */
  pipelineConnect: 'password' | 'auto' | false;
  /** Coalesce the writes of one tick into one frame (default true; edgepg flushes on a microtask). */
  coalesceWrites: boolean;
  /** Never send an SSLRequest inside the WebSocket (default true: TLS is `wss:` outside it). */
  forceDisablePgSSL: boolean;
  /** Where HTTP queries are POSTed. Default: Neon's rule, `https://api.<host minus its first label>/sql`. */
  fetchEndpoint: FetchEndpoint;
  /** A replacement for the global `fetch`, called as `fetch(url, init)`. */
  // biome-ignore lint/suspicious/noExplicitAny: mirrors Neon's `fetchFunction: any`, so any fetch-like function fits
  fetchFunction: any;
  /** Deprecated by Neon: always `true`; setting it only logs a warning. */
  fetchConnectionCache: boolean;
  /** Used by `Pool.query()` (experimental in Neon): send pool queries over HTTP. */
  poolQueryViaFetch: boolean;
  /** Suppresses the warning printed when queries run in a browser. */
  disableWarningInBrowsers: boolean;
}

export type NeonConfigGlobalOnly = Pick<
  NeonConfig,
  'fetchEndpoint' | 'poolQueryViaFetch' | 'fetchConnectionCache' | 'fetchFunction'
>;

/** What `client.neonConfig` may override per client (Neon's per-instance socket options). */
export type NeonConfigPerClient = Partial<
  Pick<
    NeonConfig,
    | 'webSocketConstructor'
    | 'wsProxy'
    | 'useSecureWebSocket'
    | 'pipelineConnect'
    | 'coalesceWrites'
    | 'forceDisablePgSSL'
  >
>;

/** The global object: the options plus Neon's `defaults` and `opts` tables. */
export type NeonConfigObject = NeonConfig & {
  readonly defaults: NeonConfig;
  readonly opts: Partial<NeonConfig>;
};

/** Neon's default endpoint: the host's first DNS label becomes `api.` (`apiauth.` with a token); the port is ignored. */
export function defaultFetchEndpoint(
  host: string,
  _port: number | string,
  options?: FetchEndpointOptions,
): string {
  return `https://${host.replace(/^[^.]+\./, options?.jwtAuth ? 'apiauth.' : 'api.')}/sql`;
}

function createNeonConfig(defaults: NeonConfig): NeonConfigObject {
  const opts: Partial<NeonConfig> = {};
  const config = { defaults, opts };
  for (const key of Object.keys(defaults) as (keyof NeonConfig)[]) {
    Object.defineProperty(
      config,
      key,
      key === 'fetchConnectionCache'
        ? {
            enumerable: true,
            get: () => true,
            set: () => console.warn('The `fetchConnectionCache` option is deprecated (now always `true`)'),
          }
        : {
            enumerable: true,
            get: () => opts[key] ?? defaults[key],
            set: (value: never) => {
              opts[key] = value;
            },
          },
    );
  }
  return config as NeonConfigObject;
}

// Shared by the ESM and CJS copies (see realm-singleton.ts): one configuration per process.
export const neonConfig: NeonConfigObject = /* @__PURE__ */ realmSingleton('neonConfig', () =>
  createNeonConfig({
    webSocketConstructor: undefined,
    wsProxy: undefined,
    useSecureWebSocket: true,
    pipelineConnect: 'password',
    coalesceWrites: true,
    forceDisablePgSSL: true,
    fetchEndpoint: defaultFetchEndpoint,
    fetchFunction: undefined,
    fetchConnectionCache: true,
    poolQueryViaFetch: false,
    disableWarningInBrowsers: false,
  }),
);
