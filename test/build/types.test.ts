/**
 * The published types against the two packages edgepg stands in for, on the emitted `.d.ts`
 * files (needs `dist/`: npx tsup), with `skipLibCheck` off:
 * - every export name of @neondatabase/serverless 1.2.0 (index.d.ts and index.d.mts) and of
 *   @types/pg 8.23 exists in edgepg's declarations, and Neon's runtime names at runtime;
 * - code written against each package's own types compiles against edgepg's unchanged
 *   (test/build/consumer/*-usage.mts, compiled once against the original as the oracle).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const neonDir = join(root, 'node_modules/@neondatabase/serverless');
// Each compile is a full TypeScript program over real declarations: slow on a loaded machine.
const COMPILE_TIMEOUT_MS = 180_000;

/**
 * Names a declaration file exports on purpose: statements with `export` and `export { … }` lists.
 * (Neon's bundled .d.ts has no `export {}`, so TypeScript also treats its internal helpers —
 * subtls's `Cert`, `ASN1Bytes`, `ReadQueue`, … — as exported; those are not its API.)
 */
function declaredExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) names.add(element.name.text);
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
    if (!modifiers.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations)
        names.add(declaration.name.getText(source));
    } else if ('name' in statement && statement.name) {
      names.add((statement.name as ts.Identifier).text);
    }
  }
  return [...names].sort();
}

/** What a module's declarations export, resolved by the compiler (re-exports followed). */
function resolvedExports(file: string): Set<string> {
  const program = ts.createProgram([file], {
    strict: true,
    skipLibCheck: false,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (!symbol) throw new Error(`no module symbol for ${file}`);
  return new Set(checker.getExportsOfModule(symbol).map((s) => s.name));
}

function compile(tsconfig: string): void {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'test/build/consumer', tsconfig)], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('types', () => {
  it(
    'exports every name of @neondatabase/serverless 1.2.0, in the ESM and CJS declarations',
    () => {
      const runtime = Object.keys(require('@neondatabase/serverless'));
      for (const [neonFile, ourFile] of [
        ['index.d.mts', 'dist/index.d.ts'],
        ['index.d.ts', 'dist/index.d.cts'],
      ]) {
        const neonNames = declaredExports(join(neonDir, neonFile));
        expect(neonNames.length).toBeGreaterThan(50);
        for (const name of runtime) expect(neonNames, `${name} declared by Neon`).toContain(name);
        const ours = resolvedExports(join(root, ourFile));
        expect(
          neonNames.filter((name) => !ours.has(name)),
          ourFile,
        ).toEqual([]);
      }
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'has Neon’s runtime names at runtime in both builds',
    async () => {
      const runtime = Object.keys(require('@neondatabase/serverless'));
      const cjs = require(join(root, 'dist/index.cjs'));
      const esm = await import(join(root, 'dist/index.js'));
      for (const name of runtime) {
        expect(cjs, `CJS ${name}`).toHaveProperty(name);
        expect(esm, `ESM ${name}`).toHaveProperty(name);
        // Neon's `escapeIdentifier`/`escapeLiteral` exports are undefined at runtime; ours work.
        const neonValue = require('@neondatabase/serverless')[name];
        // Neon's `neonConfig` is a class used through its static accessors; ours is an object with
        // the same keys (MIGRATING.md), so both answer `neonConfig.key` and `neonConfig.key = v`.
        if (name === 'neonConfig') {
          for (const key of ['fetchEndpoint', 'poolQueryViaFetch', 'webSocketConstructor', 'wsProxy'])
            expect(cjs.neonConfig, key).toHaveProperty(key);
        } else if (neonValue !== undefined) expect(typeof cjs[name], name).toBe(typeof neonValue);
      }
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'exports every name of @types/pg 8.23 from edgepg and from edgepg/pg',
    () => {
      const pgNames = declaredExports(join(root, 'node_modules/@types/pg/index.d.ts'));
      expect(pgNames).toContain('PoolClient');
      for (const ourFile of ['dist/index.d.ts', 'dist/index.d.cts', 'dist/pg.d.ts', 'dist/pg.d.cts']) {
        const ours = resolvedExports(join(root, ourFile));
        expect(
          pgNames.filter((name) => !ours.has(name)),
          ourFile,
        ).toEqual([]);
      }
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'compiles code written against @types/pg, with pg resolving to edgepg',
    () => {
      compile('tsconfig.types-pg.json');
      compile('tsconfig.edgepg-as-pg.json');
    },
    COMPILE_TIMEOUT_MS,
  );

  it(
    'compiles code written against @neondatabase/serverless, with it resolving to edgepg',
    () => {
      compile('tsconfig.neon.json');
      compile('tsconfig.edgepg-as-neon.json');
    },
    COMPILE_TIMEOUT_MS,
  );
});
