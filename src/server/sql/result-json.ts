/**
 * One statement's result as Neon's `/sql` JSON (neon-http-protocol.md §2.3):
 * `{"fields":[…],"rows":[…],"command":"…","rowCount":n|null,"rowAsArray":bool}`, with the
 * seven-key field objects and rows as arrays or as objects keyed by column name. Rows are
 * turned into JSON text as they arrive, so a result is never held twice.
 */
import type { FieldDef } from '../../core/result.js';
import { converterFor, type ToJson } from './text-to-json.js';

/** A RowDescription column; Neon's JSON leaves out the format. */
export type ColumnDescription = Omit<FieldDef, 'format'>;

/**
 * `command` is the tag's first word; `rowCount` is the third word for INSERT (`INSERT 0 3`),
 * otherwise the rest of the tag as an integer, and null when that is not a number (`CREATE
 * TABLE`) or there is no tag (an empty query). Neon's `parse_command_tag`.
 */
export function parseCommandTag(tag: string): { command: string; rowCount: number | null } {
  const space = tag.indexOf(' ');
  if (space === -1) return { command: tag, rowCount: null };
  const command = tag.slice(0, space);
  let rest = tag.slice(space + 1);
  if (command === 'INSERT') {
    const second = rest.indexOf(' ');
    if (second === -1) return { command, rowCount: null };
    rest = rest.slice(second + 1);
  }
  return { command, rowCount: /^[+-]?\d+$/.test(rest) ? Number(rest) : null };
}

const quote = JSON.stringify;

export class ResultJson {
  private fieldsJson = '[]';
  private readonly rows: string[] = [];
  private tag = '';
  /** Per column; undefined in raw text mode, where every cell is a JSON string. */
  private converters: ToJson[] | undefined;
  /** Object mode: `"name":` per column, built once. */
  private keys: string[] | undefined;

  constructor(
    readonly arrayMode: boolean,
    private readonly rawOutput: boolean,
  ) {}

  setColumns(columns: readonly ColumnDescription[]): void {
    let json = '[';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (i > 0) json += ',';
      json +=
        `{"name":${quote(c.name)},"dataTypeID":${c.dataTypeID},"tableID":${c.tableID},"columnID":${c.columnID},` +
        `"dataTypeSize":${c.dataTypeSize},"dataTypeModifier":${c.dataTypeModifier},"format":"text"}`;
    }
    this.fieldsJson = `${json}]`;
    this.converters = this.rawOutput ? undefined : columns.map((c) => converterFor(c.dataTypeID));
    this.keys = this.arrayMode ? undefined : columns.map((c) => `${quote(c.name)}:`);
  }

  /** Appends a row; returns the length of the JSON added, for the response size limit. */
  addRow(cells: readonly (string | null)[]): number {
    const { converters, keys } = this;
    let json = keys ? '{' : '[';
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) json += ',';
      // Object mode writes keys in column order, duplicates included, as a streaming writer does.
      if (keys) json += keys[i];
      const cell = cells[i];
      json += cell === null ? 'null' : converters ? converters[i](cell) : quote(cell);
    }
    json += keys ? '}' : ']';
    this.rows.push(json);
    return json.length + 1;
  }

  /** The CommandComplete tag; an empty query never gets one. */
  complete(tag: string): void {
    this.tag = tag;
  }

  toJson(): string {
    const { command, rowCount } = parseCommandTag(this.tag);
    return (
      `{"fields":${this.fieldsJson},"rows":[${this.rows.join(',')}],` +
      `"command":${quote(command)},"rowCount":${rowCount},"rowAsArray":${this.arrayMode}}`
    );
  }
}
