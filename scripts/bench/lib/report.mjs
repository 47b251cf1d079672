/**
 * Markdown for one scenario and for `results/latest.md`.
 */

const cell = (value) =>
  String(value ?? '—')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

export function markdownTable({ columns, rows }) {
  const lines = [`| ${columns.map(cell).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** The body of one scenario: method, tables, notes, skips, errors (headings at `level`). */
export function scenarioMarkdown(scenario, result, { level = 2, chartFile } = {}) {
  const h = '#'.repeat(level);
  const out = [`${h} ${scenario.title}`, ''];
  if (scenario.method) out.push(scenario.method, '');
  if (result.error) {
    out.push(`**Failed:** \`${result.error.split('\n')[0]}\` (no numbers reported).`, '');
  }
  for (const table of result.tables ?? []) {
    if (table.title) out.push(`**${table.title}**`, '');
    out.push(markdownTable(table), '');
  }
  if (chartFile && result.chart) out.push(`![${result.chart.title}](${chartFile})`, '');
  for (const note of result.notes ?? []) out.push(`- ${note}`);
  if (result.notes?.length) out.push('');
  if (result.skipped?.length) {
    out.push('Skipped:', '');
    for (const reason of result.skipped) out.push(`- ${reason}`);
    out.push('');
  }
  return out.join('\n');
}

export function goalsTable(goals) {
  return markdownTable({
    columns: ['Goal', 'Target', 'Measured (this run)', 'Verdict'],
    rows: goals.map((g) => [
      g.goal,
      g.target,
      g.measured,
      g.status === 'HIT' || g.status === 'MISS' ? `**${g.status}**` : g.status,
    ]),
  });
}

export function latestMarkdown({ machine, versions, env, flags, durationS, goals, sections, notes, method }) {
  const out = [
    '# edgepg benchmarks — latest run',
    '',
    `Run ${new Date().toISOString()} with \`${flags}\` in ${durationS.toFixed(0)} s.`,
    '',
    '## Machine',
    '',
    markdownTable({
      columns: ['', ''],
      rows: [
        ['CPU', `${machine.cpu} × ${machine.cores} cores`],
        ['Memory', `${machine.memoryGiB} GiB`],
        ['OS', machine.os],
        ['Node', machine.node],
        ['PostgreSQL', `${env?.pg.version ?? '—'} (embedded, same machine)`],
        ['edgepg', `${versions.edgepg}, commit ${machine.commit}`],
        [
          'Drivers',
          `pg ${versions.pg}, postgres.js ${versions.postgres}, @neondatabase/serverless ${versions['@neondatabase/serverless']}, ws ${versions.ws}, esbuild ${versions.esbuild}`,
        ],
        [
          'Load average (1/5/15 min)',
          `start ${machine.loadStart.join(' / ')}, end ${machine.loadEnd.join(' / ')}`,
        ],
        [
          'Delay line (nominal → delivered RTT above the 0-delay path)',
          env ? env.rtts.map((r) => `${r} → ${env.effectiveRtt[r].toFixed(2)} ms`).join(', ') : '—',
        ],
      ],
    }),
    '',
    '## Method',
    '',
    method,
    '',
  ];
  for (const note of notes) out.push(`- ${note}`);
  if (notes.length) out.push('');
  out.push('## Goals', '', goalsTable(goals), '');
  out.push(...sections);
  return out.join('\n');
}
