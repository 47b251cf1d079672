/**
 * The published shape: the built ESM and CJS files (not the sources) load in Node, expose the
 * same API, ship types, and behave as one library when both are loaded in one process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

type Lib = typeof import('../../src/index.js');

describe('the built package', () => {
  it('has the package metadata the ecosystem relies on', () => {
    expect(pkg.name).toBe('edgepg');
    // ORMs' peer ranges on @neondatabase/serverless must accept us when aliased.
    expect(pkg.version).toMatch(/^1\.\d+\.\d+$/);
    expect(pkg.license).toBe('MIT');
    // Only the Buffer polyfill has side effects (it must survive tree-shaking: pg-protocol needs
    // Buffer); everything else may be dropped when unused.
    expect(Array.isArray(pkg.sideEffects)).toBe(true);
    for (const entry of pkg.sideEffects as string[]) expect(entry).toMatch(/buffer|chunk-/);
    expect(pkg.engines.node).toBe('>=19');
    // The type parsers are our own (src/core/type-parsers); pg-types is the tests' oracle only.
    expect(pkg.dependencies['pg-types']).toBeUndefined();
    expect(pkg.devDependencies['pg-types']).toBe('2.2.0');
  });

  it('resolves every exports entry to files that exist, with types for both formats', () => {
    // A `*` pattern (`./lib/*`) is checked for every module pg's ecosystem imports there.
    const pgLib = ['index', 'client', 'connection', 'connection-parameters', 'defaults', 'query'];
    const libModules = [...pgLib, 'result', 'type-overrides', 'utils'];
    const expand = (path: string): string[] =>
      path.includes('*') ? libModules.map((name) => path.replace('*', name)) : [path];
    for (const [subpath, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof target === 'string') {
        expect(existsSync(join(root, target)), subpath).toBe(true);
        continue;
      }
      const conditions = target as Record<string, { types: string; default: string }>;
      for (const cond of ['import', 'require']) {
        for (const file of expand(conditions[cond].default)) {
          expect(existsSync(join(root, file)), `${subpath} ${cond} ${file}`).toBe(true);
        }
        for (const file of expand(conditions[cond].types)) {
          expect(existsSync(join(root, file)), `${subpath} ${cond} types ${file}`).toBe(true);
        }
      }
    }
  });

  it('imports as ESM and requires as CJS with the same API, by package name, in a fresh Node', () => {
    const script = `
      const cjs = require('edgepg');
      import('edgepg').then((esm) => {
        const a = Object.keys(cjs).sort().join(','), b = Object.keys(esm).sort().join(',');
        if (a !== b) throw new Error('ESM and CJS exports differ: ' + a + ' vs ' + b);
        // The default export (pg's module object) is the same shape in both.
        if (Object.keys(cjs.default).join() !== Object.keys(esm.default).join()) throw new Error('default differs');
        console.log(JSON.stringify({ keys: a.split(','), value: esm.prepareValue([1, 'x']) }));
      });`;
    // Resolve `edgepg` through its own package.json `exports`, as an installed copy would.
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    const result = JSON.parse(out);
    expect(result.value).toBe('{"1","x"}');
    expect(result.keys).toContain('prepareValue');
    expect(result.keys).toContain('DatabaseError');
  });

  it('shares one identity across the ESM and CJS copies (errors, type-parser registry)', async () => {
    const cjs = require(join(root, 'dist/index.cjs')) as Lib;
    const esm = (await import(join(root, 'dist/index.js'))) as Lib;
    expect(cjs.ParameterError).not.toBe(esm.ParameterError);
    const fromCjs = new cjs.ParameterError('cjs');
    expect(fromCjs).toBeInstanceOf(esm.ParameterError);
    expect(fromCjs).toBeInstanceOf(esm.EdgePgError);
    expect(fromCjs).not.toBeInstanceOf(esm.ConfigError);
    expect(new esm.ConfigError('esm')).toBeInstanceOf(cjs.EdgePgError);
    expect(cjs.types).toBe(esm.types);
    // edgepg/http's text-only view shares the parsers' state with the full entry's view.
    const http = (await import(join(root, 'dist/http.js'))) as typeof import('../../src/http/index.js');
    const original = esm.types.getTypeParser(1186);
    try {
      http.types.setTypeParser(1186, (value: string) => `interval ${value}`);
      expect(cjs.types.getTypeParser(1186)('1 day')).toBe('interval 1 day');
    } finally {
      cjs.types.setTypeParser(1186, original);
    }
    expect(cjs.DatabaseError).toBe(esm.DatabaseError);
  });

  it('shares neonConfig and defaults between the CJS and ESM builds loaded by one process (dual-package hazard)', () => {
    // An app's ESM code configures; a CJS dependency (an ORM's CJS build) builds the Pool.
    const script = `
      const cjs = require('edgepg');
      import('edgepg').then((esm) => {
        esm.neonConfig.poolQueryViaFetch = true;
        esm.defaults.poolSize = 3;
        console.log(JSON.stringify({
          bundles: [cjs._bundleExt, esm._bundleExt],
          sameNeonConfig: cjs.neonConfig === esm.neonConfig,
          seenByCjs: cjs.neonConfig.poolQueryViaFetch,
          sameDefaults: cjs.defaults === esm.defaults && cjs.default.defaults === esm.default.defaults,
          poolSize: cjs.defaults.poolSize,
          // Classes stay per build (documented in MIGRATING.md): instanceof across builds is false.
          samePool: cjs.Pool === esm.Pool,
        }));
      });`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }));
    expect(out).toEqual({
      bundles: ['js', 'mjs'],
      sameNeonConfig: true,
      seenByCjs: true,
      sameDefaults: true,
      poolSize: 3,
      samePool: false,
    });
  });

  it('edgepg/http (its own build) honours defaults.parseInputDatesAsUTC set through edgepg', () => {
    const script = `
      Promise.all([import('edgepg'), import('edgepg/http')]).then(async ([full, http]) => {
        const bodies = [];
        const fetchFunction = async (_url, init) => {
          bodies.push(JSON.parse(init.body));
          return new Response(JSON.stringify({ fields: [], rows: [], command: 'SELECT', rowCount: 0 }));
        };
        const sql = http.neon('postgresql://u:p@ep-x-1.aws.neon.tech/db', { fetchFunction, disableWarningInBrowsers: true });
        const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
        full.defaults.parseInputDatesAsUTC = true;
        await sql\`select \${date}\`;
        full.defaults.parseInputDatesAsUTC = false;
        console.log(JSON.stringify(bodies.map((b) => b.params[0])));
      });`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, TZ: 'America/New_York' },
      }),
    );
    expect(out).toEqual(['2024-01-02T03:04:05.006+00:00']);
  });

  it('keeps class names in the bundle (keepNames)', async () => {
    const esm = (await import(join(root, 'dist/index.js'))) as Lib;
    expect(esm.Result.name).toBe('Result');
    expect(esm.TypeOverrides.name).toBe('TypeOverrides');
    expect(new esm.ConfigError('x').name).toBe('ConfigError');
  });

  it('bundles for browsers (no Node built-ins reach the edge entries) and loads where Buffer is missing', async () => {
    const { build } = await import('esbuild');
    const { runInNewContext } = await import('node:vm');
    for (const entry of ['dist/index.js', 'dist/http.js', 'dist/pg.js']) {
      const out = await build({
        entryPoints: [join(root, entry)],
        bundle: true,
        minify: true,
        platform: 'browser',
        format: 'iife',
        globalName: 'edgepg',
        write: false,
        logLevel: 'silent',
      });
      const code = out.outputFiles[0].text;
      // A bare browser-like global scope: no Buffer, no process, no require.
      const sandbox: Record<string, unknown> = {
        ...{
          console,
          TextEncoder,
          TextDecoder,
          URL,
          crypto,
          btoa,
          atob,
          queueMicrotask,
          setTimeout,
          clearTimeout,
        },
      };
      // edgepg/pg has no neon(): check its default export (pg's object) instead.
      const probe = entry === 'dist/pg.js' ? 'edgepg.default.Pool' : 'edgepg.neon';
      const names =
        entry === 'dist/pg.js'
          ? '[ns.default.Pool.name, ns.default.Client.name, ns.default.Result.name]'
          : `[ns.NeonDbError.name, new ns.NeonDbError('x').name, ns.SqlTemplate.name, ns.Result?.name,
             ns.Client?.name, ns.Pool?.name, ns.ConfigError?.name, ns.ConfigError && new ns.ConfigError('x').name]`;
      runInNewContext(
        `${code}; globalThis.loaded = [typeof ${probe}, typeof Buffer];
        const ns = edgepg; globalThis.names = ${names};`,
        sandbox,
      );
      // The engine needs Buffer (pg-protocol), so the full entries install the polyfill; the
      // HTTP-only entry needs none and leaves the global scope alone.
      expect(sandbox.loaded, entry).toEqual([
        'function',
        entry === 'dist/http.js' ? 'undefined' : 'function',
      ]);
      // Class names survive the minifier (ORMs read constructor.name; errors take theirs from it).
      if (entry === 'dist/pg.js') {
        // (DatabaseError is pg-protocol's own class, external to our build: its name is the
        // user's minifier's business, as with pg itself.)
        expect(sandbox.names, entry).toEqual(['Pool', 'Client', 'Result']);
      } else {
        const expected =
          entry === 'dist/index.js'
            ? ['Result', 'Client', 'Pool', 'ConfigError', 'ConfigError']
            : [undefined, undefined, undefined, undefined, undefined];
        expect(sandbox.names, entry).toEqual(['NeonDbError', 'NeonDbError', 'SqlTemplate', ...expected]);
      }
      if (entry === 'dist/index.js') {
        // TCP is replaced by a stub that points at WebSocket instead of failing to bundle.
        runInNewContext(
          `globalThis.attempt = new edgepg.Client({ host: 'h', user: 'u', password: 'p', transport: 'tcp' }).connect().catch((e) => e.message)`,
          sandbox,
        );
        expect(await (sandbox.attempt as Promise<string>)).toMatch(
          /TCP connections are not available in this runtime/,
        );
      }
    }
  });

  // A full TypeScript program (now with @types/pg beside edgepg's types): slow on a loaded machine.
  it('type-checks a consumer against the emitted .d.ts files (ESM and CJS resolution)', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'test/build/consumer/tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
    });
  }, 120_000);
});
