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
    // Only the Buffer polyfill has side effects (it must survive tree-shaking: pg-types needs
    // Buffer at load); everything else may be dropped when unused.
    expect(Array.isArray(pkg.sideEffects)).toBe(true);
    for (const entry of pkg.sideEffects as string[]) expect(entry).toMatch(/buffer|chunk-/);
    expect(pkg.engines.node).toBe('>=19');
    expect(pkg.dependencies['pg-types']).toBe('2.2.0');
  });

  it('resolves every exports entry to files that exist, with types for both formats', () => {
    for (const [subpath, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof target === 'string') {
        expect(existsSync(join(root, target)), subpath).toBe(true);
        continue;
      }
      const conditions = target as Record<string, { types: string; default: string }>;
      for (const cond of ['import', 'require']) {
        expect(existsSync(join(root, conditions[cond].default)), `${subpath} ${cond}`).toBe(true);
        expect(existsSync(join(root, conditions[cond].types)), `${subpath} ${cond} types`).toBe(true);
      }
    }
  });

  it('imports as ESM and requires as CJS with the same API, by package name, in a fresh Node', () => {
    const script = `
      const cjs = require('edgepg');
      import('edgepg').then((esm) => {
        const a = Object.keys(cjs).sort().join(','), b = Object.keys(esm).filter((k) => k !== 'default').sort().join(',');
        if (a !== b) throw new Error('ESM and CJS exports differ: ' + a + ' vs ' + b);
        console.log(JSON.stringify({ keys: a.split(','), value: esm.prepareValue([1, 'x']) }));
      });`;
    // Resolve `edgepg` through its own package.json `exports`, as an installed copy would.
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    const result = JSON.parse(out);
    expect(result.value).toBe('{"1","x"}');
    expect(result.keys).toContain('prepareValue');
    expect(result.keys).toContain('DatabaseError');
  });

  it('shares one identity across the ESM and CJS copies (errors, pg-types registry)', async () => {
    const cjs = require(join(root, 'dist/index.cjs')) as Lib;
    const esm = (await import(join(root, 'dist/index.js'))) as Lib;
    expect(cjs.ParameterError).not.toBe(esm.ParameterError);
    const fromCjs = new cjs.ParameterError('cjs');
    expect(fromCjs).toBeInstanceOf(esm.ParameterError);
    expect(fromCjs).toBeInstanceOf(esm.EdgePgError);
    expect(fromCjs).not.toBeInstanceOf(esm.ConfigError);
    expect(new esm.ConfigError('esm')).toBeInstanceOf(cjs.EdgePgError);
    expect(cjs.types).toBe(esm.types);
    expect(cjs.DatabaseError).toBe(esm.DatabaseError);
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
    for (const entry of ['dist/index.js', 'dist/http.js']) {
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
      runInNewContext(
        `${code}; globalThis.loaded = [typeof edgepg.neon, typeof Buffer];
        globalThis.names = [edgepg.NeonDbError.name, new edgepg.NeonDbError('x').name, edgepg.SqlTemplate.name,
          edgepg.Result?.name, edgepg.Client?.name, edgepg.Pool?.name, edgepg.ConfigError?.name,
          edgepg.ConfigError && new edgepg.ConfigError('x').name]`,
        sandbox,
      );
      expect(sandbox.loaded, entry).toEqual(['function', 'function']);
      // Class names survive the minifier (ORMs read constructor.name; errors take theirs from it).
      const expected =
        entry === 'dist/index.js'
          ? ['Result', 'Client', 'Pool', 'ConfigError', 'ConfigError']
          : [undefined, undefined, undefined, undefined, undefined];
      expect(sandbox.names, entry).toEqual(['NeonDbError', 'NeonDbError', 'SqlTemplate', ...expected]);
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

  it('type-checks a consumer against the emitted .d.ts files (ESM and CJS resolution)', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(root, 'test/build/consumer/tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
    });
  });
});
