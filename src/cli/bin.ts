#!/usr/bin/env node
/**
 * The `edgepg` executable (package.json `bin`): runs `main` and sets the exit code.
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`edgepg: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
