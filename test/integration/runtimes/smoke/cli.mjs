/**
 * Smoke entry for runtimes that run ESM files directly (Node, Bun, Deno): imports the built
 * package from the path given, runs the suite and prints one JSON line on stdout.
 *
 * Usage: <runtime> cli.mjs '<json target>'  where the target also holds `dist`, the absolute
 * path of `dist/index.js`.
 */
import { globalsSnapshot, runSmoke } from './checks.mjs';

const target = JSON.parse(globalThis.Deno ? globalThis.Deno.args[0] : globalThis.process.argv[2]);
const before = globalsSnapshot();
const runtimeBuffer = globalThis.Buffer;
const lib = await import(new URL(`file://${target.dist}`).href);
// The polyfill is for runtimes without a Buffer: a runtime's own must be left in place.
const bufferKept = globalThis.Buffer === runtimeBuffer;
const results = await runSmoke(lib, target);
const runtime = globalThis.Deno
  ? `deno ${globalThis.Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${globalThis.Bun.version}`
    : `node ${globalThis.process.version}`;
console.log(`SMOKE ${JSON.stringify({ runtime, before, after: globalsSnapshot(), bufferKept, results })}`);
