/**
 * edgepg installed as `pg` (`"pg": "npm:edgepg@^1"`): an app directory whose `node_modules/pg` is
 * this package, with the unmodified `pg-cursor` and `pg-query-stream` beside it, so their
 * `require('pg/lib/result.js')` / `require('pg/lib/utils.js')` reach our `./lib/*` exports. The
 * app scripts (pg-alias/app.cjs and app.mjs) run in fresh Node processes against the test server.
 * Needs `dist/` (npx tsup).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionString } from '../setup/pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** pg 8.23's own module object and ESM named exports: the shape we must have. */
const realPg = require('pg') as Record<string, unknown>;

let app: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'edgepg-pg-alias-'));
  const modules = join(app, 'node_modules');
  mkdirSync(modules);
  // What `npm install pg@npm:edgepg` produces: the package under the name `pg`.
  symlinkSync(root, join(modules, 'pg'), 'dir');
  // Copied, not linked: a symlink would resolve their `require('pg')` next to the real pg.
  for (const name of ['pg-cursor', 'pg-query-stream']) {
    cpSync(join(root, 'node_modules', name), join(modules, name), { recursive: true });
  }
  for (const file of ['app.cjs', 'app.mjs']) cpSync(join(root, 'test/build/pg-alias', file), join(app, file));
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

async function runApp(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [file], {
    cwd: app,
    env: { ...process.env, DATABASE_URL: connectionString() },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

describe('edgepg aliased as pg', () => {
  it('require("pg") has every member of pg 8.23, the deep lib paths, and runs pg-cursor, pg-query-stream, Query and Pool', async () => {
    const out = (await runApp('app.cjs')) as {
      keys: string[];
      objectKeys: string[];
      native: unknown[];
      nativeEnumerable: boolean;
      deep: Record<string, unknown>;
      cursor: number[][];
      streamed: number[];
      viaQuery: { rows: unknown[]; command: string };
      pooled: number;
      poolIsPgPool: boolean;
    };
    const pgKeys = Object.keys(realPg);
    for (const key of pgKeys) expect(out.keys, `require('pg').${key}`).toContain(key);
    // `require('pg/lib/index')` is pg's object itself: exactly pg's keys, in pg's order.
    expect(out.objectKeys).toEqual(pgKeys);
    expect(out.native).toEqual([realPg.native, realPg.native]);
    expect(out.nativeEnumerable).toBe(false);
    expect(out.deep).toEqual({
      result: true,
      utils: true,
      prepareValue: '{"1","a",NULL}',
      defaults: true,
      connectionParameters: 'function',
      connectionParametersHost: 5433,
      typeOverrides: true,
      index: true,
      client: true,
      query: true,
    });
    expect(out.cursor).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(out.streamed).toEqual([11, 12, 13]);
    expect(out.viaQuery).toEqual({ rows: [{ x: 'q' }], command: 'SELECT' });
    expect(out.pooled).toBe(42);
    expect(out.poolIsPgPool).toBe(true);
  });

  it('import pg from "pg" is pg-shaped in ESM too: default object, named exports, deep default imports', async () => {
    const out = (await runApp('app.mjs')) as {
      keys: string[];
      named: boolean[];
      deep: boolean[];
      prepared: string;
      cursor: number[];
    };
    const realDefault = ((await import('pg')) as { default: Record<string, unknown> }).default;
    expect(out.keys).toEqual(Object.keys(realDefault));
    expect(out.named).toEqual([true, true, true, true]);
    expect(out.deep).toEqual([true, true, true]);
    expect(out.prepared).toBe(
      realPg.utils &&
        (realPg.utils as { prepareValue(v: unknown): string }).prepareValue(
          new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        ),
    );
    expect(out.cursor).toEqual([1, 2, 3]);
  });

  it('pg’s ESM named exports all exist on edgepg’s main entry and on edgepg/pg', async () => {
    const realNamed = Object.keys(await import('pg')).filter((k) => k !== 'default');
    const main = await import(join(root, 'dist/index.js'));
    const pgEntry = await import(join(root, 'dist/pg.js'));
    for (const name of realNamed) {
      expect(main, `edgepg.${name}`).toHaveProperty(name);
      expect(pgEntry, `edgepg/pg.${name}`).toHaveProperty(name);
      expect(pgEntry[name], name).toBe(main[name]);
    }
    // edgepg/pg has nothing but pg's names, the default, and `native` (which @types/pg declares).
    expect(Object.keys(pgEntry).sort()).toEqual([...realNamed, 'default', 'native'].sort());
    expect(pgEntry.default).toBe(main.default);
  });
});
