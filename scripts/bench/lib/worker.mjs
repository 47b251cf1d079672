/**
 * Entry point of a measurement in a fresh process:
 *   BENCH_ARGS='{…}' node lib/worker.mjs <module relative to scripts/bench> <export>
 * Prints the export's JSON result after a marker line, so drivers' own logging cannot corrupt it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, RESULT_MARK } from './children.mjs';

const [modulePath, exportName] = process.argv.slice(2);
const args = JSON.parse(process.env.BENCH_ARGS ?? '{}');

const module = await import(pathToFileURL(join(BENCH_DIR, modulePath)).href);
const fn = module[exportName];
if (typeof fn !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
const result = await fn(args);
process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result ?? null)}\n`, () => process.exit(0));
