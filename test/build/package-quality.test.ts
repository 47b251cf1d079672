/**
 * The `npm pack` output, checked the way a registry consumer's tools see it: arethetypeswrong
 * (types resolve and match the JavaScript in node10, node16 CJS/ESM and bundler resolution, for
 * every entry point including the `lib/*` deep paths) and publint (package.json fields, exports,
 * files). Both must report nothing. Needs `dist/` (npx tsup).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The wildcard `./lib/*` exports are checked through each module pg's ecosystem imports.
const libEntrypoints = ['index', 'client', 'connection', 'connection-parameters', 'defaults', 'query']
  .concat(['result', 'type-overrides', 'utils'])
  .flatMap((name) => [`./lib/${name}`, `./lib/${name}.js`]);

let packDir: string;
let tarball: string;
let files: string[];

beforeAll(() => {
  packDir = mkdtempSync(join(tmpdir(), 'edgepg-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(packDir, packed.filename);
  files = packed.files.map((f) => f.path);
}, 120_000);

afterAll(() => {
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the builds, the lib declarations and the docs', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/pg.d.cts', 'dist/lib/result.cjs']) {
      expect(files).toContain(file);
    }
    for (const file of [
      'types/lib/result.d.cts',
      'types/lib/utils.d.ts',
      'README.md',
      'CONFIG.md',
      'MIGRATING.md',
    ]) {
      expect(files).toContain(file);
    }
    // Nothing from the sources or tests.
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it('arethetypeswrong finds no problem in any entry point or resolution mode', () => {
    const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    let report: string;
    try {
      report = execFileSync(
        process.execPath,
        [attw, tarball, '--format', 'json', '--include-entrypoints', ...libEntrypoints],
        { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
      );
    } catch (error) {
      // attw exits 1 when it finds problems; the report is still on stdout.
      report = (error as { stdout: string }).stdout;
    }
    const result = JSON.parse(report) as {
      analysis: { entrypoints: Record<string, { resolutions: Record<string, unknown> }> };
      problems: Record<string, unknown[]> | unknown[];
    };
    const entrypoints = Object.keys(result.analysis.entrypoints);
    for (const entry of ['.', './http', './server', './pg', './lib/result', './lib/utils.js']) {
      expect(entrypoints).toContain(entry);
    }
    expect(Object.values(result.problems).flat()).toEqual([]);
  });

  it('publint reports no error, warning or suggestion', async () => {
    const data = readFileSync(tarball);
    const { messages } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages).toEqual([]);
  });
});
