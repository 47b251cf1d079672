/**
 * `neonConfig`: Neon's global configuration object, with the keys the HTTP path uses.
 *
 * As in `@neondatabase/serverless`, every key reads `neonConfig.opts[key] ?? neonConfig.defaults[key]`,
 * so assigning `undefined` restores the default. The WebSocket keys (`webSocketConstructor`,
 * `wsProxy`, …) are added by the WebSocket transport: extend `NeonConfig` and `defaults` below.
 *
 * When the HTTP path reads it: `neon()` copies its own options once, but `fetchEndpoint`,
 * `fetchFunction` and `disableWarningInBrowsers` are read from here when each query runs, because
 * that is Neon's contract: apps create `sql = neon(url)` at module load and set
 * `neonConfig.fetchEndpoint` later (local development, test set-up). Pass `fetchEndpoint` /
 * `fetchFunction` to `neon()` to keep an instance independent of the global.
 */

export interface FetchEndpointOptions {
  /** True when the query carries an `authToken` (Neon then uses its `apiauth.` host). */
  jwtAuth?: boolean;
}

/** A full `/sql` URL, or a function from the database host and port to one. */
export type FetchEndpoint =
  | string
  | ((host: string, port: number | string, options?: FetchEndpointOptions) => string);

export interface NeonConfig {
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

export const neonConfig: NeonConfigObject = /* @__PURE__ */ createNeonConfig({
  fetchEndpoint: defaultFetchEndpoint,
  fetchFunction: undefined,
  fetchConnectionCache: true,
  poolQueryViaFetch: false,
  disableWarningInBrowsers: false,
});
