/**
 * Rows for the README compatibility table, in the format shared with the ORM suite
 * (scripts/integration-table.mjs renders every file in test/integration/.results/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Consumer = 'Node 20' | 'Node 22' | 'Bun' | 'Deno' | 'workerd' | 'Chromium';
export type Transport = 'http' | 'ws' | 'tcp';

export interface CheckResult {
  transport: Transport;
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ResultRow {
  consumer: Consumer;
  transport: Transport;
  status: 'pass' | 'fail';
  /** Smoke checks run for this runtime and transport. */
  tests: number;
}

const CONSUMER_ORDER: Consumer[] = ['Node 20', 'Node 22', 'Bun', 'Deno', 'workerd', 'Chromium'];
const TRANSPORT_ORDER: Transport[] = ['http', 'ws', 'tcp'];

/** One row per transport tried; a transport with no result (the runtime died) is a failure. */
export function rowsFor(consumer: Consumer, transports: Transport[], results: CheckResult[]): ResultRow[] {
  return transports.map((transport) => {
    const mine = results.filter((r) => r.transport === transport);
    const pass = mine.length > 0 && mine.every((r) => r.ok);
    return { consumer, transport, status: pass ? 'pass' : 'fail', tests: mine.length };
  });
}

function previousRows(file: string): ResultRow[] {
  try {
    const rows: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(rows) ? (rows as ResultRow[]) : [];
  } catch {
    return [];
  }
}

/**
 * Writes the rows in a stable order, so a rerun with the same outcome changes nothing. A run of
 * some runtimes only (`vitest -t Bun`) replaces those runtimes' rows and keeps the others.
 */
export function writeRows(file: string, rows: ResultRow[]): void {
  const ran = new Set(rows.map((r) => r.consumer));
  const kept = previousRows(file).filter((r) => CONSUMER_ORDER.includes(r.consumer) && !ran.has(r.consumer));
  const sorted = [...kept, ...rows].sort(
    (a, b) =>
      CONSUMER_ORDER.indexOf(a.consumer) - CONSUMER_ORDER.indexOf(b.consumer) ||
      TRANSPORT_ORDER.indexOf(a.transport) - TRANSPORT_ORDER.indexOf(b.transport),
  );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}
