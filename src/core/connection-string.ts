/**
 * Connection-string parsing with pg-connection-string's rules (pg's own parser), rewritten so it
 * runs on every runtime: pg-connection-string calls `require('fs')` for `sslcert`/`sslkey`/
 * `sslrootcert`, which makes browser and edge bundlers fail at build time. Here those stay file
 * paths (`sslcertFile`, …) that the Node-only TCP transport reads when it connects.
 *
 * Output keys and values equal pg-connection-string's for everything else (checked by
 * differential tests): query parameters verbatim, `user`/`password`/`host`/`port`/`database`
 * from the URL unless a query parameter set them, `ssl` from `ssl=`/`sslmode=`, and
 * `socket:` / leading-`/` Unix socket forms.
 */
import { ConfigError } from './errors.js';

export interface ParsedConnectionString {
  [key: string]: unknown;
  user?: string;
  password?: string;
  host?: string | null;
  port?: string | null;
  database?: string | null;
  ssl?: boolean | Record<string, unknown>;
}

export function parseConnectionUrl(input: string): ParsedConnectionString {
  // "/var/run/postgresql dbname": a socket directory and a database.
  if (input.charAt(0) === '/') {
    const parts = input.split(' ');
    return { host: parts[0], database: parts[1] };
  }
  let str = input;
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str)) {
    // Spaces and stray '%' are not valid in a URL: encode them (keeping valid %XX escapes).
    str = encodeURI(str).replace(/%25(\d\d)/g, '%$1');
  }
  let url: URL;
  let dummyHost = false;
  try {
    url = new URL(str, 'postgres://base');
  } catch {
    // An empty host ("postgres://user@/db") is not a valid URL: retry with a placeholder.
    url = new URL(str.replace('@/', '@___DUMMY___/'), 'postgres://base');
    dummyHost = true;
  }

  const config: ParsedConnectionString = Object.create(null);
  for (const [key, value] of url.searchParams.entries()) config[key] = value;

  config.user = (config.user as string | undefined) || decodeURIComponent(url.username);
  config.password = (config.password as string | undefined) || decodeURIComponent(url.password);

  if (url.protocol === 'socket:') {
    config.host = decodeURI(url.pathname);
    config.database = url.searchParams.get('db');
    config.client_encoding = url.searchParams.get('encoding');
    return config;
  }
  const hostname = (dummyHost ? '' : url.hostname).replace(/^\[(.+)\]$/, '$1');
  let pathname = url.pathname;
  if (!config.host) {
    config.host = decodeURIComponent(hostname);
  } else if (hostname && /^%2f/i.test(hostname)) {
    // A URL-encoded socket directory in the host part belongs before the path.
    pathname = hostname + pathname;
  }
  if (!config.port) config.port = url.port;

  const database = pathname.slice(1) || null;
  config.database = database ? decodeURI(database) : null;

  // Until here `ssl` is the raw query parameter, a string.
  const sslParam = config.ssl as unknown;
  if (sslParam === 'true' || sslParam === '1') config.ssl = true;
  if (sslParam === '0') config.ssl = false;
  if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) config.ssl = {};
  // sslnegotiation=direct implies TLS (libpq requires sslmode >= require).
  if (config.sslnegotiation === 'direct' && config.ssl === undefined) config.ssl = true;

  const ssl = config.ssl;
  if (ssl && typeof ssl === 'object') {
    // Files are read by the TCP transport (Node only), not here.
    if (config.sslcert) ssl.certFile = config.sslcert;
    if (config.sslkey) ssl.keyFile = config.sslkey;
    if (config.sslrootcert) ssl.caFile = config.sslrootcert;
    if (config.sslmode === 'disable') config.ssl = false;
    else if (config.sslmode === 'no-verify') ssl.rejectUnauthorized = false;
    else if (config.uselibpqcompat === 'true') applyLibpqSslMode(ssl, config.sslmode as string | undefined);
  }
  return config;
}

/** `uselibpqcompat=true`: libpq's meaning of each sslmode instead of pg's verify-full aliasing. */
function applyLibpqSslMode(ssl: Record<string, unknown>, sslmode: string | undefined): void {
  switch (sslmode) {
    case 'prefer':
      ssl.rejectUnauthorized = false;
      break;
    case 'require':
      if (ssl.caFile) ssl.checkServerIdentity = () => undefined;
      else ssl.rejectUnauthorized = false;
      break;
    case 'verify-ca':
      if (!ssl.caFile) {
        throw new ConfigError(
          'Using sslmode=verify-ca requires a CA certificate (sslrootcert); use sslmode=verify-full otherwise',
        );
      }
      ssl.checkServerIdentity = () => undefined;
      break;
  }
}
