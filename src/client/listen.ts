/**
 * LISTEN/NOTIFY helpers: `client.listen(channel, onNotify)` and `notify(channel, payload)`.
 *
 * `Subscriptions` keeps the channel → handlers map of one listening connection and the
 * LISTEN/UNLISTEN statements that keep the server in step with it: LISTEN when a channel gets
 * its first handler, UNLISTEN when it loses its last, and `listenAll()` to subscribe a fresh
 * connection to every channel again (the pool's listener does that after a reconnect).
 *
 * Channels are identifiers: quoted with `escapeIdentifier`, so any string (mixed case, spaces,
 * quotes) is one channel, exactly as `pg_notify(channel, …)` names it. NOTIFY goes through
 * `pg_notify($1, $2)`, parameterised.
 */
import { UsageError } from '../core/errors.js';
import { escapeIdentifier } from '../core/escape.js';

/** A NotificationResponse, as the client's `'notification'` event carries it. */
export interface Notification {
  processId: number;
  channel: string;
  payload: string;
}

export type NotificationHandler = (payload: string, notification: Notification) => void;

/** What `listen()` resolves to: stop listening with `unlisten()` (or `await using`). */
export interface Listener {
  readonly channel: string;
  /** Removes this handler; the last handler of a channel sends UNLISTEN. Idempotent. */
  unlisten(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Runs one statement on the listening connection. */
export type RunStatement = (sql: string) => Promise<unknown>;

interface Channel {
  handlers: Set<NotificationHandler>;
  /** The channel's LISTEN; later listeners of the channel wait for it. */
  listening: Promise<unknown>;
}

/** Checks `notify()`'s arguments and gives `pg_notify`'s query. */
export function notifyQuery(channel: unknown, payload: unknown): { text: string; values: string[] } {
  checkChannel(channel);
  if (payload !== undefined && typeof payload !== 'string') {
    throw new UsageError('notify() needs the payload as a string (or no payload)');
  }
  return { text: 'select pg_notify($1, $2)', values: [channel, payload ?? ''] };
}

/**
 * Postgres truncates identifiers to NAMEDATALEN - 1 bytes: a longer channel would be LISTENed
 * under its truncated name and its notifications (which carry that name) never matched here.
 */
const MAX_CHANNEL_BYTES = 63;
const utf8 = new TextEncoder();

function checkChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== 'string' || channel === '') {
    throw new UsageError('A LISTEN/NOTIFY channel must be a non-empty string');
  }
  if (channel.includes('\0')) throw new UsageError('A LISTEN/NOTIFY channel cannot contain a NUL character');
  if (utf8.encode(channel).byteLength > MAX_CHANNEL_BYTES) {
    throw new UsageError(`A LISTEN/NOTIFY channel must be at most ${MAX_CHANNEL_BYTES} bytes (UTF-8)`);
  }
}

export class Subscriptions {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly run: RunStatement) {}

  /** True while at least one channel has a handler. */
  get active(): boolean {
    return this.channels.size > 0;
  }

  async add(channel: string, handler: NotificationHandler): Promise<Listener> {
    checkChannel(channel);
    if (typeof handler !== 'function') throw new UsageError('listen() needs a handler function');
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), listening: this.run(`LISTEN ${escapeIdentifier(channel)}`) };
      this.channels.set(channel, entry);
    }
    entry.handlers.add(handler);
    try {
      await entry.listening;
    } catch (error) {
      entry.handlers.delete(handler);
      if (this.channels.get(channel) === entry) this.channels.delete(channel);
      throw error;
    }
    let active = true;
    const unlisten = async (): Promise<void> => {
      if (!active) return;
      active = false;
      await this.remove(channel, handler);
    };
    return { channel, unlisten, [Symbol.asyncDispose]: unlisten };
  }

  private async remove(channel: string, handler: NotificationHandler): Promise<void> {
    const entry = this.channels.get(channel);
    if (!entry) return;
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0) return;
    this.channels.delete(channel);
    await this.run(`UNLISTEN ${escapeIdentifier(channel)}`);
  }

  /** LISTEN to every channel again (a new connection); nothing to do when there are none. */
  async listenAll(run: RunStatement = this.run): Promise<void> {
    const names = [...this.channels.keys()];
    if (names.length === 0) return;
    await run(names.map((name) => `LISTEN ${escapeIdentifier(name)}`).join('; '));
  }

  /**
   * Calls the channel's handlers. A handler that throws is its own bug: it is rethrown on a
   * fresh microtask (an uncaught exception, like a throwing event listener) so that it can
   * neither break the connection's message loop nor stop the other handlers.
   */
  dispatch(notification: Notification): void {
    const entry = this.channels.get(notification.channel);
    if (!entry) return;
    for (const handler of [...entry.handlers]) {
      try {
        handler(notification.payload, notification);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
