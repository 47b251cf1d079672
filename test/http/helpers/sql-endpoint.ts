/**
 * A stand-in for Neon's `/sql` endpoint, as a `fetch` function: it runs the request's queries on
 * the test PostgreSQL through npm `pg` and answers in the exact JSON format of
 * shared/spec/neon-http-protocol.md §2.3–2.4 (raw text values, array rows, the seven-key `fields`,
 * the 17-key error object with nulls). Both our driver and the real `@neondatabase/serverless`
 * are pointed at it, so they parse the same bytes.
 *
 * Like Neon's proxy it uses the extended protocol (one statement per query, text parameters) and
 * runs batches inside `START TRANSACTION … / COMMIT`.
 */
import type { DatabaseError, Client as PgClient } from 'pg';

/** Every request the endpoint saw, for assertions. */
export interface CapturedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  /** Header names as given to fetch (their case and order), when given as a plain object. */
  headerNames: string[] | undefined;
  /** The other keys of the init object given to fetch. */
  init: Record<string, unknown>;
}

const rawText = { getTypeParser: () => (value: string) => value };

export function headerRecord(headers: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  new Headers(headers as ConstructorParameters<typeof Headers>[0]).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

export function capture(url: string, init: Record<string, unknown>): CapturedRequest {
  const { body, headers, method, ...rest } = init;
  const plainHeaders =
    typeof headers === 'object' && headers !== null && Object.getPrototypeOf(headers) === Object.prototype;
  return {
    url,
    method: String(method),
    headers: headerRecord(headers),
    headerNames: plainHeaders ? Object.keys(headers) : undefined,
    body: typeof body === 'string' ? JSON.parse(body) : body,
    init: rest,
  };
}

export function jsonResponse(json: unknown, status = 200): Response {
  return new Response(JSON.stringify(json), {
    status,
    headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' },
  });
}

interface QueryBody {
  query: string;
  params?: (string | null)[];
}

async function runOne(client: PgClient, { query, params }: QueryBody) {
  const result = await client.query({
    text: query,
    values: params ?? [],
    rowMode: 'array',
    types: rawText,
    queryMode: 'extended',
  } as unknown as string);
  return {
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: 'text',
    })),
    rows: result.rows,
    command: result.command ?? '',
    rowCount: result.rowCount,
    rowAsArray: true,
  };
}

export function errorJson(error: DatabaseError) {
  const pick = (value: unknown) => (value === undefined ? null : value);
  return {
    message: error.message,
    code: pick(error.code),
    detail: pick(error.detail),
    hint: pick(error.hint),
    position: pick(error.position),
    internalPosition: pick(error.internalPosition),
    internalQuery: pick(error.internalQuery),
    severity: pick(error.severity),
    where: pick(error.where),
    table: pick(error.table),
    column: pick(error.column),
    schema: pick(error.schema),
    dataType: pick(error.dataType),
    constraint: pick(error.constraint),
    file: pick(error.file),
    line: pick(error.line),
    routine: pick(error.routine),
  };
}

/** A fetch function answering like Neon's `/sql`, recording every request into `log`. */
export function sqlEndpoint(client: PgClient, log: CapturedRequest[]) {
  return async (url: string, init: Record<string, unknown>): Promise<Response> => {
    const request = capture(url, init);
    log.push(request);
    const body = request.body as QueryBody & { queries?: QueryBody[] };
    try {
      if (!Array.isArray(body.queries)) return jsonResponse(await runOne(client, body));
      const modes: string[] = [];
      const level = request.headers['neon-batch-isolation-level'];
      if (level) modes.push(`ISOLATION LEVEL ${level.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()}`);
      if (request.headers['neon-batch-read-only'] === 'true') modes.push('READ ONLY');
      if (request.headers['neon-batch-deferrable'] === 'true') modes.push('DEFERRABLE');
      await client.query(`START TRANSACTION ${modes.join(', ')}`);
      try {
        const results = [];
        for (const query of body.queries) results.push(await runOne(client, query));
        await client.query('COMMIT');
        return jsonResponse({ results });
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    } catch (error) {
      return jsonResponse(errorJson(error as DatabaseError), 400);
    }
  };
}
