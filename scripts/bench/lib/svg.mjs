/**
 * A minimal hand-written SVG bar chart: horizontal bars in labelled groups, one value label per
 * bar. No dependency, no script, readable as text.
 *
 * chart = { title, unit, groups: [{ label, bars: [{ label, value, note? }] }] }
 */

const escapeXml = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const PALETTE = ['#2f6fb0', '#d9822b', '#3a9a5b', '#b0413e', '#7a5aa6', '#8c8c8c'];

function formatValue(value, unit) {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  const text =
    abs >= 1000
      ? Math.round(value).toLocaleString('en-US')
      : abs >= 100
        ? value.toFixed(0)
        : abs >= 10
          ? value.toFixed(1)
          : value.toFixed(2);
  return `${text} ${unit}`.trim();
}

export function barChart({ title, unit = '', groups }) {
  const width = 760;
  const labelWidth = 230;
  const valueWidth = 110;
  const barArea = width - labelWidth - valueWidth - 20;
  const barHeight = 18;
  const gap = 6;
  const groupGap = 14;
  const top = 44;

  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite);
  const max = values.length ? Math.max(...values, 0) : 1;
  const scale = max > 0 ? barArea / max : 0;

  const parts = [];
  let y = top;
  const seriesColor = new Map();
  for (const group of groups) {
    parts.push(`<text x="10" y="${y + 12}" class="group">${escapeXml(group.label)}</text>`);
    y += 20;
    for (const bar of group.bars) {
      if (!seriesColor.has(bar.label)) seriesColor.set(bar.label, PALETTE[seriesColor.size % PALETTE.length]);
      const w = Number.isFinite(bar.value) ? Math.max(1, bar.value * scale) : 0;
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      );
      if (w > 0) {
        parts.push(
          `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${seriesColor.get(bar.label)}"/>`,
        );
      }
      const shown = bar.note ? `${formatValue(bar.value, unit)} ${bar.note}` : formatValue(bar.value, unit);
      parts.push(`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 13}">${escapeXml(shown)}</text>`);
      y += barHeight + gap;
    }
    y += groupGap;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<style>.title{font-size:15px;font-weight:600}.group{font-weight:600}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="24" class="title">${escapeXml(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
