/**
 * The opt-in automatic prepared-statement cache of one connection (`statementCache: n`).
 *
 * An extended-protocol query without a `name` is prepared under a generated name the first time
 * its text is seen on the connection, and later runs send only Bind + Execute + Sync: no Parse,
 * no Describe (the RowDescription of the first run is kept and reused). At most `n` statements
 * are kept; the least recently used is closed (a pipelined Close, never waited for).
 *
 * An entry is *pending* from the moment its Parse is written until the description comes back
 * (Describe statement right after the Parse, so a failing Bind of the first run cannot leave it
 * undescribed); queries with the same text written meanwhile Bind the name straight behind the
 * Parse. It is *failed* when the Parse was refused: the followers' Binds then fail with 26000,
 * which QueryOperation turns back into the leader's outcome (see query.ts).
 *
 * Off by default: named statements are per server session, which transaction-mode poolers
 * (PgBouncer, Supavisor) without prepared-statement support do not keep for a client.
 */
import { serialize } from 'pg-protocol';
import { ConfigError } from '../core/errors.js';
import type { FieldDef } from '../core/result.js';
import type { Operation } from './operation.js';

/** An operation the cache may hold for a transparent retry, and give up on. */
export interface RetryableOperation extends Operation {
  /** The retry will not run (it would be reordered): reject with the error it kept. */
  abandonRetry(): void;
}

/** One automatically prepared statement. */
export interface CachedStatement {
  readonly text: string;
  readonly name: string;
  /**
   * The result's columns: undefined while pending, null when the statement returns no rows
   * (NoData), else the RowDescription's fields.
   */
  fields: FieldDef[] | null | undefined;
  /** The leader's Parse was refused: this text is not prepared on the server. */
  failure: Error | undefined;
  /** When it was last used (the cache's clock): the smallest is evicted first. */
  used: number;
}

/** Generated names: a prefix a hand-written `name` is unlikely to use, and a counter. */
const NAME_PREFIX = 'edgepg_s';

export class StatementCache {
  /**
   * text → entry. Recency is a tick stamped on each use rather than the Map's order, so a hit
   * is one lookup; the oldest entry is looked for only when one must go.
   */
  private readonly entries = new Map<string, CachedStatement>();
  private clock = 0;
  /** Statements evicted but not yet closed on the server: the next cached query sends the Close. */
  private closes: string[] = [];
  private counter = 0;

  /**
   * @param capacity most statements kept (≥ 1).
   * @param resubmit holds an operation for a transparent retry on the same connection (the
   *   engine re-queues it in order, or calls `abandonRetry`); false when the connection takes
   *   no more work (closed, or Terminate already written).
   */
  constructor(
    readonly capacity: number,
    readonly resubmit: (operation: RetryableOperation) => boolean,
  ) {}

  /** The entry for `text`, marked most recently used; undefined when the text is not cached. */
  lookup(text: string): CachedStatement | undefined {
    const entry = this.entries.get(text);
    if (entry !== undefined) entry.used = ++this.clock;
    return entry;
  }

  /** A new pending entry for `text`; the least recently used ones beyond capacity are evicted. */
  add(text: string): CachedStatement {
    const entry: CachedStatement = {
      text,
      name: `${NAME_PREFIX}${++this.counter}`,
      fields: undefined,
      failure: undefined,
      used: ++this.clock,
    };
    if (this.entries.size >= this.capacity) this.evictOldest();
    this.entries.set(text, entry);
    return entry;
  }

  /**
   * Drops the least recently used entry and queues its Close. A pending entry may go too: its
   * Close is written after its Parse, so the statement is created, used by the queries already
   * written, then closed.
   */
  private evictOldest(): void {
    let oldest: CachedStatement | undefined;
    for (const entry of this.entries.values()) {
      if (oldest === undefined || entry.used < oldest.used) oldest = entry;
    }
    if (oldest === undefined) return;
    this.entries.delete(oldest.text);
    this.closes.push(oldest.name);
  }

  /**
   * Drops `entry` if it is still the cached one for its text. `close`: the statement exists on
   * the server (a 0A000) and should be closed; not after a refused Parse or a 26000.
   */
  evict(entry: CachedStatement, close: boolean): void {
    if (this.entries.get(entry.text) !== entry) return;
    this.entries.delete(entry.text);
    if (close) this.closes.push(entry.name);
  }

  /**
   * The names waiting for a Close, forgotten here: the caller writes the Closes at the start of
   * its own messages (right after a Sync, so the server never skips them).
   */
  takeCloses(): string[] | undefined {
    if (this.closes.length === 0) return undefined;
    const names = this.closes;
    this.closes = [];
    return names;
  }

  /**
   * The server dropped every prepared statement (DISCARD ALL / DEALLOCATE ALL completed). Pending
   * entries stay: their Parse was written after that command, so they exist. Queued Closes stay
   * too (closing a statement that is gone is not an error).
   */
  discardAll(): void {
    for (const [text, entry] of this.entries) {
      if (entry.fields !== undefined) this.entries.delete(text);
    }
  }

  /** Puts back Closes taken by `takeCloses` whose message could not be written. */
  requeueCloses(names: readonly string[] | undefined): void {
    if (names !== undefined) this.closes.unshift(...names);
  }

  /** Whether the command tag of a completed command means every prepared statement is gone. */
  static dropsAllStatements(commandTag: string): boolean {
    return commandTag === 'DISCARD ALL' || commandTag === 'DEALLOCATE ALL';
  }
}

/** Close (statement) messages for `names`, followed by `rest`, in one buffer. */
export function withCloses(names: readonly string[] | undefined, rest: Uint8Array): Uint8Array {
  if (names === undefined) return rest;
  const parts = names.map((name) => serialize.close({ type: 'S', name }));
  let length = rest.length;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  out.set(rest, pos);
  return out;
}

/** Throws a ConfigError unless `value` is undefined, null or a non-negative safe integer. */
export function checkStatementCache(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(
      `statementCache must be a non-negative integer (the most statements prepared per connection; 0 = off), got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
