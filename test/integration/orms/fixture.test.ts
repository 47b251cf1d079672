/**
 * The fixture is what it claims to be: every ORM resolves `@neondatabase/serverless` and `pg`
 * (pg-cursor also `pg/lib/*`) to this repository's built package, no real copy hides nested
 * anywhere, and the application code type-checks against edgepg's published types.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFixture } from '../../support/npm-fixture.js';
import { FIXTURE_DIR, generatePrismaClient, load } from './env.js';

const ROOT = join(FIXTURE_DIR, '..', '..', '..');
const DIST = join(ROOT, 'dist') + sep;

beforeAll(() => {
  installFixture(FIXTURE_DIR);
  generatePrismaClient();
}, 10 * 60_000);

/** Every installed package directory under node_modules (scoped ones included), with its path. */
function packages(dir: string): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = [];
  const visit = (modules: string) => {
    let entries: string[];
    try {
      entries = readdirSync(modules);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const names = entry.startsWith('@')
        ? readdirSync(join(modules, entry)).map((sub) => `${entry}/${sub}`)
        : [entry];
      for (const name of names) {
        const path = join(modules, name);
        found.push({ name, path });
        // A link's own node_modules belong to its target (this repository's dev install), not the app.
        if (!lstatSync(path).isSymbolicLink()) visit(join(path, 'node_modules'));
      }
    }
  };
  visit(join(dir, 'node_modules'));
  return found;
}

describe('the ORM fixture', () => {
  it('holds exactly one @neondatabase/serverless and one pg: links to this repository', () => {
    const all = packages(FIXTURE_DIR);
    for (const name of ['@neondatabase/serverless', 'pg']) {
      const copies = all.filter((p) => p.name === name);
      expect(copies.map((p) => realpathSync(p.path))).toEqual([realpathSync(ROOT)]);
    }
  });

  it.each([
    ['drizzle-orm/neon-http', '@neondatabase/serverless'],
    ['drizzle-orm/neon-serverless', '@neondatabase/serverless'],
    ['drizzle-orm/node-postgres', 'pg'],
    ['drizzle-orm-next/neon-http', '@neondatabase/serverless'],
    ['drizzle-orm-next/neon-serverless', '@neondatabase/serverless'],
    ['drizzle-orm-next/node-postgres', 'pg'],
    ['@prisma/adapter-neon', '@neondatabase/serverless'],
    ['@prisma/adapter-pg', 'pg'],
    ['drizzle-kit', 'pg'],
    ['drizzle-kit', '@neondatabase/serverless'],
    ['pg-cursor', 'pg/lib/result.js'],
    ['pg-cursor', 'pg/lib/utils.js'],
  ])('%s resolves %s to the built edgepg', (consumer, dependency) => {
    const fromFixture = createRequire(join(FIXTURE_DIR, 'package.json'));
    const consumerFile = fromFixture.resolve(consumer);
    const resolved = realpathSync(createRequire(consumerFile).resolve(dependency));
    expect(resolved.startsWith(DIST)).toBe(true);
  });

  it('loads pg and @neondatabase/serverless as one module instance (ESM)', async () => {
    const pg = await load<typeof import('pg')>('pg');
    const neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
    const built = await import('../../../dist/index.js');
    expect(pg.default.Pool).toBe(built.Pool);
    expect(neon.Pool).toBe(built.Pool);
    expect(neon.neon).toBe(built.neon);
  });

  it('type-checks the suites against the ORMs and edgepg types (tsc)', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = () =>
      execFileSync(process.execPath, [tsc, '--noEmit', '-p', join(FIXTURE_DIR, 'tsconfig.json')], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  }, 120_000);
});
