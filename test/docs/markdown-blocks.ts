/**
 * Finds the fenced code blocks of a Markdown file and turns them into programs to run.
 *
 * A block is run when its language is TypeScript or JavaScript, unless the comment right above
 * its fence (the last non-blank line) says otherwise:
 *
 *   <!-- example: not run (why) -->   the block is not run; the reason is required
 *   <!-- example: continues -->       the block is appended to the previous run block of the file
 *
 * Any other `<!-- example: … -->` comment is an error, so a typo cannot skip or run a block by
 * accident. Blocks in other languages (sh, json, …) cannot run and must say why.
 */

export type Marker = { kind: 'run' } | { kind: 'not-run'; reason: string } | { kind: 'continues' };

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower-cased ('' when none). */
  lang: string;
  code: string;
  marker: Marker;
}

/** One runnable example: a run block plus the blocks that continue it. */
export interface Program {
  file: string;
  /** The first block's language. */
  lang: string;
  /** Opening-fence lines of the blocks it is made of. */
  lines: number[];
  code: string;
}

export interface NotRun {
  file: string;
  line: number;
  lang: string;
  reason: string;
}

/** A block that neither runs nor says why it does not, or a marker that cannot be used. */
export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Plan {
  programs: Program[];
  notRun: NotRun[];
  problems: Problem[];
}

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/;
const MARKER = /^<!--\s*example:(.*?)-->$/;
const NOT_RUN = /^not run\s*\((.*)\)$/s;

export function isRunnable(lang: string): boolean {
  return RUNNABLE.has(lang);
}

/** Parses the marker comment text, or returns an error message. */
export function parseMarker(comment: string): Marker | string {
  const match = MARKER.exec(comment.trim());
  if (!match) return { kind: 'run' };
  const body = match[1].trim();
  if (body === 'continues') return { kind: 'continues' };
  const notRun = NOT_RUN.exec(body);
  if (notRun) {
    const reason = notRun[1].trim();
    return reason ? { kind: 'not-run', reason } : 'a "not run" marker must give its reason in parentheses';
  }
  return `unknown example marker "${body}": use "not run (reason)" or "continues"`;
}

/** Every fenced block of `markdown`, with the marker above it (or the problem with that marker). */
export function extractBlocks(markdown: string): {
  blocks: CodeBlock[];
  errors: { line: number; message: string }[];
} {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const errors: { line: number; message: string }[] = [];
  let lastText = '';
  let lastTextLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() === '') continue;
      if (MARKER.test(lastText.trim())) {
        errors.push({ line: lastTextLine, message: 'an example marker must be right above a code fence' });
      }
      lastText = lines[i];
      lastTextLine = i + 1;
      continue;
    }
    const [, indent, fence, info] = open;
    const closing = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end])) {
      body.push(lines[end].startsWith(indent) ? lines[end].slice(indent.length) : lines[end].trimStart());
      end++;
    }
    if (end === lines.length) errors.push({ line: i + 1, message: 'code fence is never closed' });
    const marker = parseMarker(lastText);
    if (typeof marker === 'string') errors.push({ line: i + 1, message: marker });
    blocks.push({
      line: i + 1,
      lang: info.toLowerCase(),
      code: body.join('\n'),
      marker: typeof marker === 'string' ? { kind: 'run' } : marker,
    });
    lastText = '';
    i = end;
  }
  return { blocks, errors };
}

/** Sorts the blocks of one file into programs to run, blocks not run, and problems. */
export function planFile(file: string, markdown: string): Plan {
  const { blocks, errors } = extractBlocks(markdown);
  const plan: Plan = {
    programs: [],
    notRun: [],
    problems: errors.map((error) => ({ file, ...error })),
  };
  let previous: Program | undefined;
  for (const block of blocks) {
    const { marker } = block;
    if (marker.kind === 'not-run') {
      plan.notRun.push({ file, line: block.line, lang: block.lang, reason: marker.reason });
      previous = undefined;
      continue;
    }
    if (!isRunnable(block.lang)) {
      plan.problems.push({
        file,
        line: block.line,
        message: `a "${block.lang || 'plain'}" block cannot run: mark it <!-- example: not run (reason) -->`,
      });
      previous = undefined;
      continue;
    }
    if (marker.kind === 'continues') {
      if (!previous) {
        plan.problems.push({ file, line: block.line, message: '"continues" follows no run block' });
      } else {
        previous.lines.push(block.line);
        previous.code += `\n${block.code}`;
      }
      continue;
    }
    previous = { file, lang: block.lang, lines: [block.line], code: block.code };
    plan.programs.push(previous);
  }
  return plan;
}
