#!/usr/bin/env node
/**
 * edgepg benchmark harness (issue #9). Starts an embedded PostgreSQL, a ws relay, edgepg's local
 * server (when built) and a delay proxy per RTT, runs the scenarios of scenarios/index.mjs,
 * writes one Markdown table + SVG chart per scenario and results/latest.md, and stops everything
 * it started, also on Ctrl-C.
 *
 *   npm run build && node scripts/bench/run.mjs [--rtt 0,10,50] [--quick] [--only id[,id]] [--list]
 *
 * EDGEPG_DIST=<dir> measures another build of edgepg than dist/: the dist/ of another checkout,
 * since the build imports `#tcp` and `#buffer-polyfill` through its package.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_DIR, killAllChildren, runWorker } from './lib/children.mjs';
import { resolveDrivers } from './lib/drivers.mjs';
import { ROLES, startEnvironment } from './lib/env.mjs';
import { judgeGoals } from './lib/goals.mjs';
import { loadAverage, machineInfo } from './lib/machine.mjs';
import { latestMarkdown, scenarioMarkdown } from './lib/report.mjs';
import { barChart } from './lib/svg.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

const METHOD = [
  'Everything runs on this one machine: PostgreSQL (embedded, `fsync=off`), the delay proxy, the ws relay, the local server and each client, each in its own process.',
  'Latency is injected by a userspace TCP proxy (performance.md §5.1 option C, `delay-proxy.mjs`): every chunk is held rtt/2 in each direction, in order, with `noDelay` on every socket, and the first client chunk one extra RTT to stand for the TCP handshake.',
  'Round trips are `round((t_rtt − t_0) / rtt)` from p50s, where t_0 goes through the same proxy at 0 added delay and rtt is the round trip the proxy actually delivered (calibrated with a 1-byte echo; Node timers add up to ~1 ms); the unrounded quotient is shown next to it, and ⚠ marks a count whose medians are not stable to half an RTT (interquartile range p75 − p25 at 0 or at that RTT above rtt/2). RTT goals are judged at the largest RTT of the run.',
  'Throughput and decode run in a fresh `node` process per driver and mode, direct to PostgreSQL, after warm-up; figures are medians of the rounds.',
  'Every driver runs with its defaults unless an option is named in its label. The machine has 2 cores shared with other jobs, so compare ratios within this run, not absolute numbers across runs.',
].join(' ');

/** A command-line mistake: printed without a stack trace. */
function usage(message) {
  return Object.assign(new Error(message), { usage: true });
}

function parseArgs(argv) {
  const flags = { quick: false, rtts: undefined, only: undefined, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw usage(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') flags.quick = true;
    else if (arg === '--rtt')
      flags.rtts = value()
        .split(',')
        .map((s) => Number(s.trim()));
    else if (arg.startsWith('--rtt=')) flags.rtts = arg.slice(6).split(',').map(Number);
    else if (arg === '--only') flags.only = value().split(',');
    else if (arg.startsWith('--only=')) flags.only = arg.slice(7).split(',');
    else if (arg === '--list') flags.list = true;
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else throw usage(`unknown argument ${arg} (try --help)`);
  }
  if (flags.rtts?.some((r) => !Number.isFinite(r) || r < 0)) throw usage('--rtt takes non-negative numbers');
  flags.rtts ??= flags.quick ? [0, 10] : [0, 10, 50];
  if (!flags.rtts.includes(0)) flags.rtts.unshift(0);
  flags.rtts = [...new Set(flags.rtts)].sort((a, b) => a - b);
  return flags;
}

const log = (line) => console.log(line);

async function main() {
  const flags = parseArgs(process.argv.slice(2));
  if (flags.help || flags.list) {
    console.log(
      'Usage: node scripts/bench/run.mjs [--rtt 0,10,50] [--quick] [--only id[,id]] [--list]\n\nScenarios:',
    );
    for (const s of SCENARIOS) console.log(`  ${s.id.padEnd(16)} ${s.title}`);
    return;
  }
  const selected = flags.only ? SCENARIOS.filter((s) => flags.only.includes(s.id)) : SCENARIOS;
  if (flags.only) {
    const unknown = flags.only.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length) throw usage(`unknown scenario(s): ${unknown.join(', ')} (see --list)`);
  }

  const started = performance.now();
  const machine = machineInfo();
  const drivers = await resolveDrivers();
  if (!drivers.available.embeddedPostgres) {
    throw new Error(`cannot start PostgreSQL: ${drivers.reasons.embeddedPostgres}`);
  }
  for (const [name, ok] of Object.entries(drivers.available)) {
    if (!ok) log(`note: ${name} unavailable — ${drivers.reasons[name]}`);
  }

  let env;
  let interrupted = false;
  const teardown = async () => {
    await killAllChildren();
    await env?.stop();
  };
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping everything this run started…`);
    teardown().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results = {};
  // Only a full run replaces results/latest.md; quick and partial runs keep their own copies.
  const subdir = flags.quick ? ['quick'] : flags.only ? ['partial'] : [];
  const resultsDir = join(BENCH_DIR, 'results', ...subdir);
  await mkdir(resultsDir, { recursive: true });
  try {
    env = await startEnvironment({
      rtts: flags.rtts,
      drivers,
      decodeRows: 100_000,
      log,
    });
    const ctx = {
      quick: flags.quick,
      rtts: env.rtts,
      effectiveRtt: env.effectiveRtt,
      env,
      drivers,
      paths: drivers.paths,
      roles: ROLES,
      log,
      worker: (module, fn, args, options) => runWorker(module, fn, args, options),
    };
    for (const scenario of selected) {
      if (interrupted) break;
      const t = performance.now();
      log(`\n▸ ${scenario.title}`);
      try {
        results[scenario.id] = await scenario.run(ctx);
      } catch (error) {
        if (interrupted) break;
        log(`  FAILED: ${error.stack ?? error}`);
        results[scenario.id] = { error: String(error.message ?? error), tables: [] };
      }
      for (const reason of results[scenario.id].skipped ?? []) log(`  skipped: ${reason}`);
      log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
      await writeScenario(resultsDir, scenario, results[scenario.id]);
    }
    if (interrupted) return;

    machine.loadEnd = loadAverage();
    const goals = judgeGoals(results, ctx);
    const sections = selected.map((s) =>
      scenarioMarkdown(s, results[s.id] ?? { skipped: ['not run'] }, {
        level: 2,
        chartFile: results[s.id]?.chart ? `${s.id}.svg` : undefined,
      }),
    );
    const markdown = latestMarkdown({
      machine,
      versions: drivers.versions,
      env,
      flags: ['node scripts/bench/run.mjs', ...process.argv.slice(2)].join(' '),
      durationS: (performance.now() - started) / 1000,
      goals,
      sections,
      notes: [
        ...(flags.quick
          ? [
              '`--quick`: few samples per cell and RTTs of 10 ms at most, so RTT counts can be off by one on a busy machine; verdicts from a full run are the ones to quote.',
            ]
          : []),
        ...drivers.notes,
      ],
      method: METHOD,
    });
    await writeFile(join(resultsDir, 'latest.md'), markdown);
    await writeFile(
      join(resultsDir, 'latest.json'),
      `${JSON.stringify({ machine, versions: drivers.versions, rtts: env.rtts, effectiveRtt: env.effectiveRtt, goals, results }, null, 1)}\n`,
    );
    log('\nGoals:');
    for (const g of goals) log(`  ${g.status.padEnd(7)} ${g.goal}: ${g.measured}`);
    log(
      `\nWrote ${join('scripts/bench/results', ...subdir, 'latest.md')} (${((performance.now() - started) / 1000).toFixed(1)} s total)`,
    );
  } finally {
    if (!interrupted) await teardown();
  }
}

async function writeScenario(dir, scenario, result) {
  const chartFile = result.chart ? `${scenario.id}.svg` : undefined;
  await writeFile(
    join(dir, `${scenario.id}.md`),
    `${scenarioMarkdown(scenario, result, { level: 1, chartFile })}\n`,
  );
  if (result.chart) await writeFile(join(dir, chartFile), barChart(result.chart));
}

main().catch(async (error) => {
  console.error(error.usage ? `run.mjs: ${error.message}` : (error.stack ?? String(error)));
  await killAllChildren();
  process.exit(1);
});
