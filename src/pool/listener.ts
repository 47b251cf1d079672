/**
 * `pool.listen()`: LISTEN that survives a lost connection.
 *
 * A `Client` is one connection for life (pg's contract), so a LISTEN on it ends with it. The
 * pool can do better: its listener is one dedicated connection, opened on the first `listen()`
 * and outside the pool's `max` (LISTEN needs a session of its own; a pooled connection would be
 * handed to other work), that LISTENs for every channel registered on the pool. When that
 * connection is lost it opens a new one and LISTENs to every channel again, retrying with
 * backoff while the server is unreachable. Notifications sent while no connection was
 * listening are lost: NOTIFY is not queued for absent listeners.
 */
import type { Client } from '../client/client.js';
import {
  type Listener,
  type Notification,
  type NotificationHandler,
  Subscriptions,
} from '../client/listen.js';
import { UsageError } from '../core/errors.js';
import { unrefTimer } from './options.js';

const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 10_000;

export class PoolListener {
  private readonly subscriptions = new Subscriptions((sql) => this.run(sql));
  private client: Client | undefined;
  /** The client being connected, so that `end()` can abandon a connect that hangs. */
  private opening: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = FIRST_RETRY_MS;
  private ended = false;

  constructor(
    private readonly createClient: () => Client,
    /** A reconnect attempt failed (it is retried); the pool emits it as `'error'`. */
    private readonly reportError: (error: Error) => void,
  ) {}

  listen(channel: string, handler: NotificationHandler): Promise<Listener> {
    if (this.ended) return Promise.reject(new UsageError('Cannot use a pool after calling end on the pool'));
    return this.subscriptions.add(channel, handler);
  }

  private async run(sql: string): Promise<unknown> {
    const client = await this.connection();
    return client.query(sql);
  }

  private connection(): Promise<Client> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = this.createClient();
    client.on('notification', (message: Notification) => this.subscriptions.dispatch(message));
    // A lost connection is handled on 'end', which follows its 'error'.
    client.on('error', () => {});
    client.on('end', () => this.lost(client));
    this.opening = client;
    try {
      await client.connect();
    } catch (error) {
      this.connecting = undefined;
      throw error;
    } finally {
      this.opening = undefined;
    }
    if (this.ended) {
      await client.end();
      throw new UsageError('Cannot use a pool after calling end on the pool');
    }
    this.client = client;
    return client;
  }

  private lost(client: Client): void {
    if (this.ended || client !== this.client) return;
    this.client = undefined;
    this.connecting = undefined;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.ended || this.retryTimer || !this.subscriptions.active) return;
    this.retryTimer = setTimeout(() => void this.reconnect(), this.retryDelay);
    unrefTimer(this.retryTimer);
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.ended) return;
    try {
      const client = await this.connection();
      await this.subscriptions.listenAll((sql) => client.query(sql));
      this.retryDelay = FIRST_RETRY_MS;
    } catch (error) {
      if (this.ended) return;
      this.reportError(error as Error);
      this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
      // A connection that took the LISTEN badly is dropped; its 'end' schedules the next try.
      const client = this.client;
      if (client) client.end().catch(() => {});
      else this.scheduleReconnect();
    }
  }

  /** Closes the listening connection; later `listen()` calls are refused. */
  async end(): Promise<void> {
    this.ended = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // A connect still under way (a server that never answers) is abandoned, not waited for.
    await this.opening?.end().catch(() => {});
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
