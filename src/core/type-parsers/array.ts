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

/** Characters with no meaning inside quotes, and outside them (sticky: matched from `lastIndex`). */
const QUOTED_RUN = /[^"\\]*/y;
const PLAIN_RUN = /[^"\\{},]*/y;

const keep: ElementParser = (entry) => entry;

export function parseArray(source: string, transform?: ElementParser): unknown[] {
  // As postgres-array: any falsy transform keeps the text.
  const parseElement = transform || keep;
  const length = source.length;
  let i = 0;
  // A `[lower:upper]…=` prefix: skipped up to and including the first `=` (escaped or not).
  if (source[0] === '[') {
    while (i < length) {
      i += source[i] === '\\' ? 2 : 1;
      if (source[i - 1] === '=') break;
    }
  }

  /**
   * One level of braces from `i`. A nested level returns when its own braces close, leaving `i`
   * just past them; the top level reads to the end of the text.
   */
  const level = (nested: boolean): unknown[] => {
    const entries: unknown[] = [];
    let recorded = '';
    let hasRecorded = false;
    let quoted = false;
    let depth = 0;
    const flush = (quotedEntry: boolean): void => {
      if (!hasRecorded && !quotedEntry) return;
      entries.push(recorded === 'NULL' && !quotedEntry ? null : parseElement(recorded));
      recorded = '';
      hasRecorded = false;
    };
    while (i < length) {
      let c = source[i++];
      const escaped = c === '\\';
      // Braces and commas keep their meaning even when escaped; only quotes lose it.
      if (escaped) c = source[i++];
      if (quoted ? c === '"' && !escaped : c === ',') {
        flush(quoted);
        quoted = false;
      } else if (c === '"' && !escaped) {
        quoted = true;
      } else if (!quoted && c === '{') {
        if (++depth > 1) {
          // The nested level starts at this brace; its closing brace closes one level here too.
          i--;
          entries.push(level(true));
          depth--;
        }
      } else if (!quoted && c === '}') {
        if (!--depth) {
          flush(false);
          if (nested) return entries;
        }
      } else {
        hasRecorded = true;
        // A trailing backslash records nothing, but still counts as recorded.
        if (escaped) recorded += c ?? '';
        else {
          // A run of ordinary characters is recorded in one slice.
          const run = quoted ? QUOTED_RUN : PLAIN_RUN;
          run.lastIndex = i;
          run.test(source);
          recorded += source.slice(i - 1, run.lastIndex);
          i = run.lastIndex;
        }
      }
    }
    if (depth) throw new Error('array dimension not balanced');
    return entries;
  };
  return level(false);
}

/** pg-types' `arrayParser`: `create(source, transform).parse()`. */
export const arrayParser = {
  create(source: string, transform?: ElementParser): { parse(): unknown[] } {
    return { parse: () => parseArray(source, transform) };
  },
};
