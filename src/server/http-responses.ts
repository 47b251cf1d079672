/**
 * Writing HTTP responses: JSON bodies with CORS on every response, as Neon's `/sql` does
 * (neon-http-protocol.md §2.3–§2.4), and the OPTIONS preflight. Header lists are flat arrays
 * built once, so a response costs one `writeHead` and one `end`.
 */
import type { ServerResponse } from 'node:http';
import { errorBody, NOT_SUPPORTED_BODY, SqlHttpError } from './sql/errors.js';

const BASE_HEADERS = ['Content-Type', 'application/json', 'Access-Control-Allow-Origin', '*'] as const;

/**
 * Neon's list plus what it forgets: `Neon-Batch-Deferrable` (which the driver sends) and
 * `Content-Type` (which browser code posting JSON sends).
 */
const PREFLIGHT_HEADERS = [
  'Allow',
  'OPTIONS, POST',
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Allow-Headers',
  'Authorization, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode, Neon-Pool-Opt-In, ' +
    'Neon-Batch-Read-Only, Neon-Batch-Isolation-Level, Neon-Batch-Deferrable, Content-Type',
  'Access-Control-Max-Age',
  '86400',
  'Content-Length',
  '0',
] as const;

/** Sends a JSON body with CORS; `extra` is a flat [name, value, …] list (batch echoes, Connection). */
export function sendJson(res: ServerResponse, status: number, body: string, extra?: readonly string[]): void {
  if (res.headersSent || res.destroyed) return;
  const headers: string[] = [...BASE_HEADERS, 'Content-Length', String(Buffer.byteLength(body))];
  if (extra) headers.push(...extra);
  res.writeHead(status, headers);
  res.end(body);
}

export function sendError(res: ServerResponse, error: SqlHttpError, extra?: readonly string[]): void {
  sendJson(res, error.status, errorBody(error), extra);
}

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(200, PREFLIGHT_HEADERS as unknown as string[]);
  res.end();
}

export function sendNotSupported(res: ServerResponse): void {
  sendJson(res, 400, NOT_SUPPORTED_BODY);
}

/** 403 for requests the access policy refuses (foreign Host or browser Origin). */
export function sendForbidden(res: ServerResponse, message: string): void {
  sendError(res, new SqlHttpError(403, message), ['Connection', 'close']);
}

/** 400 for plain HTTP to a TLS-only server (as nginx answers plain HTTP sent to an HTTPS port). */
export function sendPlainHttpRefusal(res: ServerResponse): void {
  const message = 'this server accepts HTTPS only: use https:// (neonConfig.fetchEndpoint)';
  sendError(res, new SqlHttpError(400, message), ['Connection', 'close']);
}
