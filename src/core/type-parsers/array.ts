/**
 * Postgres array literals (`{a,"b c",NULL,{1,2}}`), read exactly as postgres-array 2.0.0 reads
 * them, the parser pg-types 2.2.0 uses, quirks included, since results must equal pg's:
 * - only `"` honours a backslash escape: `\{`, `\}` and `\,` still open, close and separate;
 * - text before an opening quote joins the quoted entry (`{a"b"}` gives `ab`), and text after a
 *   nested array is its own entry, placed after it;
 * - an optional `[1:2]=` dimension prefix is skipped; text outside the braces is dropped;
 * - unbalanced braces throw `Error('array dimension not balanced')`.
 */

/** Turns one element's text into its value (never called for NULL). */
export type ElementParser = (entry: string) => unknown;

const BACKSLASH = 92;
const QUOTE = 34;
const COMMA = 44;
const OPEN = 123;
const CLOSE = 125;

const keep: ElementParser = (entry) => entry;

/** Where the scan is: shared by a level and the nested levels it starts. */
interface Cursor {
  at: number;
}

export function parseArray(source: string, parseElement?: ElementParser): unknown[] {
  return parseLevel(source, { at: afterDimensions(source) }, parseElement ?? keep, false);
}

/** pg-types' `arrayParser`: `create(source, transform).parse()`. */
export const arrayParser = {
  create(source: string, transform?: ElementParser): { parse(): unknown[] } {
    return { parse: () => parseArray(source, transform) };
  },
};

/** Skips a `[lower:upper]…=` prefix: up to and including the first `=` (escaped or not). */
function afterDimensions(source: string): number {
  if (source[0] !== '[') return 0;
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    i += c === BACKSLASH ? 2 : 1;
    if (source[i - 1] === '=') break;
  }
  return i;
}

/**
 * One level of braces, from `cursor.at`. A nested level returns when its own braces close, and
 * leaves the cursor just past them; the top level reads to the end of the text.
 */
function parseLevel(source: string, cursor: Cursor, parseElement: ElementParser, nested: boolean): unknown[] {
  const entries: unknown[] = [];
  const length = source.length;
  let recorded = '';
  let hasRecorded = false;
  let quoted = false;
  let depth = 0;
  let i = cursor.at;

  const flush = (quotedEntry: boolean): void => {
    if (!hasRecorded && !quotedEntry) return;
    entries.push(recorded === 'NULL' && !quotedEntry ? null : parseElement(recorded));
    recorded = '';
    hasRecorded = false;
  };

  while (i < length) {
    const c = source.charCodeAt(i);
    if (c === BACKSLASH) {
      // Braces and commas keep their meaning even when escaped; only quotes lose it.
      const escaped = source.charCodeAt(i + 1);
      i += 2;
      if (!quoted && (escaped === OPEN || escaped === CLOSE || escaped === COMMA)) {
        i = structural(escaped, i);
        if (i < 0) return entries;
        continue;
      }
      // The escaped character is taken as it is (a trailing backslash records nothing).
      if (i <= length) recorded += source[i - 1];
      hasRecorded = true;
      continue;
    }
    if (c === QUOTE) {
      if (quoted) flush(true);
      quoted = !quoted;
      i++;
      continue;
    }
    if (!quoted && (c === OPEN || c === CLOSE || c === COMMA)) {
      i = structural(c, i + 1);
      if (i < 0) return entries;
      continue;
    }
    // A run of ordinary characters is recorded in one slice.
    let end = i + 1;
    while (end < length && isOrdinary(source.charCodeAt(end), quoted)) end++;
    recorded += source.slice(i, end);
    hasRecorded = true;
    i = end;
  }
  if (depth !== 0) throw new Error('array dimension not balanced');
  return entries;

  /** Handles `{`, `}` or `,` read just before `next`; returns where to go on, or -1 when done. */
  function structural(c: number, next: number): number {
    if (c === COMMA) {
      flush(false);
      return next;
    }
    if (c === OPEN) {
      depth++;
      if (depth <= 1) return next;
      cursor.at = next - 1;
      entries.push(parseLevel(source, cursor, parseElement, true));
      // The nested level's closing brace closes one level here too.
      depth--;
      return cursor.at;
    }
    depth--;
    if (depth !== 0) return next;
    flush(false);
    if (!nested) return next;
    cursor.at = next;
    return -1;
  }
}

function isOrdinary(c: number, quoted: boolean): boolean {
  if (c === BACKSLASH || c === QUOTE) return false;
  return quoted || (c !== OPEN && c !== CLOSE && c !== COMMA);
}
