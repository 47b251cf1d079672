/**
 * pg-cursor 2.22 on a `Client` of edgepg linked as `@neondatabase/serverless`, over the local
 * server's WebSocket endpoint (Neon apps stream this way: Neon's driver bundles pg). Over TCP with
 * `pg` linked it runs in pg.test.ts.
 */
import { afterAll, beforeAll } from 'vitest';
import { recordResults } from '../support/results.js';
import { load, type OrmEnv, pinned, startOrmEnv } from './env.js';
import { type CursorClass, type CursorClient, cursorScenarios } from './pg/cursor-scenarios.js';

let env: OrmEnv;
let neon: typeof import('@neondatabase/serverless');
let Cursor: CursorClass;

const block = recordResults('orms-pg-cursor', async () => {
  env = await startOrmEnv();
  neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  Cursor = (await load<{ default: CursorClass }>('pg-cursor')).default;
});
afterAll(() => env?.close());

block({ consumer: pinned('pg-cursor'), transport: 'ws', via: 'Neon Client' }, () => {
  let client: InstanceType<typeof neon.Client>;
  beforeAll(async () => {
    client = new neon.Client({ connectionString: env.serverUrl });
    await client.connect();
  });
  afterAll(() => client?.end());
  cursorScenarios(() => ({ client: client as unknown as CursorClient, Cursor }));
});
