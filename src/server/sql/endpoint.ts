/**
 * `POST /sql`: Neon's SQL-over-HTTP on pooled upstream connections (neon-http-protocol.md §2–§3).
 *
 * Order of checks, as on Neon: connection string, then the batch headers, then the body (size,
 * then JSON), then the upstream connection. A client that disconnects while its query runs gets
 * that query cancelled (CancelRequest) and its connection discarded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DatabaseError } from '../../core/database-error.js';
import { AuthError, ConnectionError } from '../../core/errors.js';
import { sendError, sendJson } from '../http-responses.js';
import type { ResolvedOptions } from '../options.js';
import { PooledConnection } from '../pool/connection.js';
import { UpstreamPool } from '../pool/pool.js';
import { type PostgresErrorFields, SqlHttpError } from './errors.js';
import { SqlOperation, type SqlOutcome, type SqlStatement } from './operation.js';
import {
  batchEchoHeaders,
  type ConnectionInfo,
  parsePayload,
  parseSqlHeaders,
  type SqlHeaders,
  startTransactionSql,
} from './request.js';
import { ArrayParseError } from './text-to-json.js';

/** After a cancel, how long the query may take to stop before its socket is cut. */
const CANCEL_GRACE_MS = 1_000;
/** Past the limit, the rest of a body is still read (and dropped) up to this much, so the client gets its 413. */
const DRAIN_EXTRA_BYTES = 64 * 1024 * 1024;

export class SqlEndpoint {
  readonly pool: UpstreamPool<PooledConnection>;

  constructor(private readonly config: ResolvedOptions) {
    this.pool = new UpstreamPool(
      (info, key) => PooledConnection.open(config.upstream, info, key),
      { maxConnectionsPerKey: config.maxConnectionsPerKey, idleTimeoutMillis: config.idleTimeoutMillis },
      config.log,
    );
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = this.config.log.verbose ? performance.now() : 0;
    let headers: SqlHeaders;
    try {
      headers = parseSqlHeaders(req.headers);
    } catch (error) {
      this.fail(res, error, undefined, started);
      return;
    }
    readBody(req, this.config.maxRequestBytes).then(
      (body) => this.run(req, res, headers, body, started),
      (error) => this.fail(res, error, headers.connection, started),
    );
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async run(
    req: IncomingMessage,
    res: ServerResponse,
    headers: SqlHeaders,
    body: string,
    started: number,
  ): Promise<void> {
    let connection: PooledConnection;
    let statements: SqlStatement[];
    let batch: boolean;
    try {
      const payload = parsePayload(body);
      batch = payload.batch;
      const queries = payload.batch ? payload.queries : [payload.query];
      statements = queries.map((q) => ({
        text: q.query,
        params: q.params,
        arrayMode: q.arrayMode ?? headers.arrayMode,
      }));
      connection = await this.pool.acquire(headers.connection);
    } catch (error) {
      this.fail(res, asConnectError(error, headers.connection), headers.connection, started);
      return;
    }
    if (req.socket.destroyed) {
      // The client left while we waited for a connection: nothing ran, the connection is clean.
      this.pool.release(connection, 'I');
      return;
    }

    let cancelled = false;
    let cancelTimer: ReturnType<typeof setTimeout> | undefined;
    const cancel = (why: string): void => {
      if (cancelled) return;
      cancelled = true;
      this.config.log.debug(`${why}; cancelling the query`);
      connection.cancel().then((error) => {
        if (error) this.config.log.warn(`could not cancel a query: ${error.message}`);
      });
      // A query that ignores the cancel must not hold its backend forever.
      const timer = setTimeout(() => connection.destroy(), CANCEL_GRACE_MS);
      timer.unref();
      cancelTimer = timer;
    };
    let finished = false;
    const onClose = (): void => {
      if (!finished) cancel('the HTTP client disconnected');
    };
    res.once('close', onClose);

    const outcome = await new Promise<SqlOutcome>((done) => {
      connection.run(
        new SqlOperation(statements, {
          begin: batch ? startTransactionSql(headers) : undefined,
          rawOutput: headers.rawOutput,
          maxResponseBytes: this.config.maxResponseBytes,
          onTooLarge: () => cancel('the response outgrew the limit'),
          done,
        }),
      );
    });
    finished = true;
    if (cancelTimer) clearTimeout(cancelTimer);
    res.off('close', onClose);
    this.settle(connection, outcome, batch);

    if (req.socket.destroyed) return;
    if (outcome.tooLarge) {
      this.fail(res, tooLarge(this.config.maxResponseBytes), headers.connection, started);
      return;
    }
    if (outcome.error) {
      this.fail(res, asQueryError(outcome.error), headers.connection, started);
      return;
    }
    let json: string;
    try {
      json = batch
        ? `{"results":[${outcome.results.map((r) => r.toJson()).join(',')}]}`
        : outcome.results[0].toJson();
    } catch (error) {
      const message = error instanceof ArrayParseError ? 'could not parse postgres response' : String(error);
      this.fail(res, new SqlHttpError(500, message), headers.connection, started);
      return;
    }
    if (Buffer.byteLength(json) > this.config.maxResponseBytes) {
      this.fail(res, tooLarge(this.config.maxResponseBytes), headers.connection, started);
      return;
    }
    sendJson(res, 200, json, batch ? batchEchoHeaders(headers) : undefined);
    this.logRequest(200, headers.connection, started);
  }

  /**
   * Back to the pool, or not (Neon's rules): a single query that failed or left a transaction
   * open is discarded; a batch whose query failed is rolled back by the reset; a failed
   * START TRANSACTION or COMMIT, a cancel or an oversized result discards.
   */
  private settle(connection: PooledConnection, outcome: SqlOutcome, batch: boolean): void {
    const { error, status } = outcome;
    const reusable =
      status !== undefined &&
      !outcome.tooLarge &&
      !connection.cancelled &&
      (error === undefined ? status === 'I' : batch && outcome.failedStep === 'query');
    if (reusable) this.pool.release(connection, status);
    else this.pool.discard(connection);
  }

  private fail(res: ServerResponse, error: unknown, info: ConnectionInfo | undefined, started: number): void {
    const httpError =
      error instanceof SqlHttpError
        ? error
        : new SqlHttpError(500, error instanceof Error ? error.message : String(error));
    if (httpError.status >= 500) this.config.log.warn(`/sql ${httpError.status}: ${httpError.message}`);
    sendError(res, httpError, httpError.status === 413 ? ['Connection', 'close'] : undefined);
    this.logRequest(httpError.status, info, started, httpError.message);
  }

  private logRequest(
    status: number,
    info: ConnectionInfo | undefined,
    started: number,
    error?: string,
  ): void {
    const { log } = this.config;
    if (!log.verbose) return;
    const who = info ? ` user=${info.user} database=${info.database}` : '';
    const took = (performance.now() - started).toFixed(1);
    log.debug(`POST /sql ${status}${who} ${took}ms${error ? `: ${error}` : ''}`);
  }
}

function tooLarge(max: number): SqlHttpError {
  return new SqlHttpError(507, `response is too large (max is ${max} bytes)`);
}

/** A failure to connect: the upstream's refusal is the user's problem (400) unless it is the server's. */
function asConnectError(error: unknown, info: ConnectionInfo): unknown {
  if (error instanceof SqlHttpError) return error;
  if (error instanceof DatabaseError) {
    // Too many connections, shutting down, internal errors: not the request's fault.
    const serverSide = /^(53|57|58|XX)/.test(error.code ?? '');
    return SqlHttpError.fromPostgres(error as PostgresErrorFields, serverSide ? 500 : 400);
  }
  if (error instanceof AuthError && info.password === undefined) {
    // The upstream asked for a password and the connection string has none: Neon's message.
    return new SqlHttpError(400, 'missing authentication credentials: required password');
  }
  if (error instanceof AuthError) return new SqlHttpError(400, error.message);
  if (error instanceof ConnectionError) return new SqlHttpError(500, error.message);
  return error;
}

/** An error from the query itself: Postgres' own (400) or a lost connection. */
function asQueryError(error: Error): SqlHttpError {
  if (error instanceof DatabaseError) return SqlHttpError.fromPostgres(error as PostgresErrorFields);
  return new SqlHttpError(400, error.message);
}

/** The request body as text, or a 413 once it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // Built only when needed: an Error's stack trace is not free on the hot path.
    const tooLargeError = () => new SqlHttpError(413, `request is too large (max is ${limit} bytes)`);
    const declared = Number(req.headers['content-length']);
    if (declared > limit + DRAIN_EXTRA_BYTES) {
      reject(tooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (over) {
        chunks.length = 0;
        if (size > limit + DRAIN_EXTRA_BYTES) {
          req.removeAllListeners('data');
          reject(tooLargeError());
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) reject(tooLargeError());
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
