/**
 * Who may talk to the server and where it may connect. Pure checks, no I/O.
 *
 * - `address=`: the driver's string `wsProxy` appends `?address=<pg host>:<pg port>`. A plain
 *   byte pipe such as Neon's wsproxy dials that address; we never do. We connect only to the
 *   configured upstream, and refuse an address that names anything but the upstream or this
 *   server itself, so that a misconfigured app fails loudly instead of silently hitting the
 *   wrong database.
 * - Host: a browser page that rebinds its DNS name to 127.0.0.1 sends its own name in Host;
 *   only loopback names, the bind address and `allowedHosts` are accepted.
 * - Origin: CORS is `*` on every response, as on Neon, and WebSockets have no CORS at all, so a
 *   page on any website could otherwise use a local database whose password is well known.
 *   Browser requests are accepted from loopback origins and `allowedOrigins` only; requests
 *   without an Origin (servers, CLIs, tests) are not browser requests and pass.
 */

export interface AccessPolicy {
  /** The address the server listens on. */
  bindHost: string;
  serverPort: number;
  upstream: { host: string; port: number };
  /** Extra host names accepted in Host and `address=` (e.g. `db.localtest.me`); '*' for any. */
  allowedHosts: readonly string[];
  /** Extra browser origins accepted (`https://app.example`), or '*' for any. */
  allowedOrigins: readonly string[] | '*';
}

export interface Endpoint {
  host: string;
  port: number | undefined;
}

/** `host[:port]`, `[v6]:port` or a bare IPv6 literal; the port is undefined when absent. */
export function parseHostPort(value: string): Endpoint | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed) return { host: bracketed[1].toLowerCase(), port: toPort(bracketed[2]) };
  const colons = trimmed.split(':').length - 1;
  if (colons > 1) return { host: trimmed.toLowerCase(), port: undefined }; // bare IPv6
  const [host, port] = trimmed.split(':');
  if (port !== undefined && !/^\d+$/.test(port)) return undefined;
  return { host: host.toLowerCase(), port: toPort(port) };
}

function toPort(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** localhost, *.localhost, 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(h)
  );
}

export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || (isLoopbackHost(a) && isLoopbackHost(b));
}

function isExtraHost(policy: AccessPolicy, host: string): boolean {
  return policy.allowedHosts.some((name) => name === '*' || name.toLowerCase() === host.toLowerCase());
}

/** Whether a request's Host header names this server. A missing header is not a browser's. */
export function isAllowedHostHeader(policy: AccessPolicy, header: string | undefined): boolean {
  if (header === undefined) return true;
  const parsed = parseHostPort(header);
  if (!parsed) return false;
  if (isWildcardHost(policy.bindHost)) return true;
  return (
    isLoopbackHost(parsed.host) || sameHost(parsed.host, policy.bindHost) || isExtraHost(policy, parsed.host)
  );
}

/** Whether a browser origin may use the server. No Origin header: not a browser, allowed. */
export function isAllowedOrigin(policy: AccessPolicy, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  if (policy.allowedOrigins === '*') return true;
  if (policy.allowedOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file:// pages
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/**
 * Whether a WebSocket `address=` names the upstream or this server (the connection string may
 * point at either). Postgres' default port 5432 applies when the address has none.
 */
export function isAllowedAddress(policy: AccessPolicy, address: string): boolean {
  const parsed = parseHostPort(address);
  if (!parsed) return false;
  const port = parsed.port ?? 5432;
  if (port === policy.upstream.port && sameHost(parsed.host, policy.upstream.host)) return true;
  if (
    port === policy.serverPort &&
    (isWildcardHost(policy.bindHost) || sameHost(parsed.host, policy.bindHost))
  ) {
    return true;
  }
  return isExtraHost(policy, parsed.host);
}
