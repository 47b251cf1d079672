/**
 * Serves the browser bundle from a loopback page, opens it in headless Debian Chromium through
 * playwright-core (flags as the machine docs give them, a fresh empty profile) and prints the
 * report. Usage: node chromium-host.mjs <bundle.js> '<json target>'
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const [bundle, target] = process.argv.slice(2);
const script = readFileSync(bundle);
const page =
  '<!doctype html><meta charset="utf-8"><title>edgepg smoke</title><script src="/smoke.js"></script>';
const server = createServer((req, res) => {
  const isScript = req.url === '/smoke.js';
  res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
  res.end(isScript ? script : page);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const profile = mkdtempSync(join(tmpdir(), 'edgepg-chromium-'));
let context;
try {
  // launchPersistentContext owns --user-data-dir (a new empty folder); headless adds --headless.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
  const tab = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  tab.on('pageerror', (error) => pageErrors.push(String(error)));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => typeof globalThis.edgepgSmoke === 'function', null, { timeout: 15_000 });
  const report = await tab.evaluate((t) => globalThis.edgepgSmoke(t), JSON.parse(target));
  console.log(`SMOKE ${JSON.stringify({ ...report, pageErrors })}`);
} finally {
  await context?.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
