/**
 * Error responses of `/sql`, shaped as Neon's proxy shapes them (neon-http-protocol.md §2.4):
 * every error body carries the same 17 keys, Postgres' fields when Postgres raised the error,
 * `""` for code and severity and `null` elsewhere when the server itself did.
 */

/** The ErrorResponse fields a Postgres error may carry, as pg-protocol's DatabaseError names them. */
export interface PostgresErrorFields {
  message: string;
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
  file?: string;
  line?: string;
  routine?: string;
}

/** An error to answer with: the HTTP status and the body's fields. */
export class SqlHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Present when Postgres raised it: the body then carries its fields. */
    readonly postgres?: PostgresErrorFields,
  ) {
    super(message);
    this.name = 'SqlHttpError';
  }

  /** A Postgres error in the user's query, an auth failure or an unknown database: 400. */
  static fromPostgres(error: PostgresErrorFields, status = 400): SqlHttpError {
    return new SqlHttpError(status, error.message, error);
  }
}

const orNull = (value: string | undefined): string | null => (value === undefined ? null : value);

/** The 17-key error body, keys in Neon's order. */
export function errorBody(error: SqlHttpError): string {
  const pg = error.postgres;
  return JSON.stringify({
    message: error.message,
    code: pg?.code ?? '',
    detail: orNull(pg?.detail),
    hint: orNull(pg?.hint),
    position: orNull(pg?.position),
    internalPosition: orNull(pg?.internalPosition),
    internalQuery: orNull(pg?.internalQuery),
    severity: pg?.severity ?? '',
    where: orNull(pg?.where),
    table: orNull(pg?.table),
    column: orNull(pg?.column),
    schema: orNull(pg?.schema),
    dataType: orNull(pg?.dataType),
    constraint: orNull(pg?.constraint),
    file: orNull(pg?.file),
    line: orNull(pg?.line),
    routine: orNull(pg?.routine),
  });
}

/** The body of every request that is neither `POST /sql` nor `OPTIONS /sql`: a JSON string. */
export const NOT_SUPPORTED_BODY = JSON.stringify('query is not supported');
