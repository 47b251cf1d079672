/**
 * Result shaping with pg's `Result` contract (own keys, parsing rules, CommandComplete parsing),
 * shared by every transport. Parsers are chosen once per column when the row description
 * arrives; rows are built from a prebuilt all-null template so every row object gets the same
 * hidden class.
 */
import './buffer.js';
import type { CustomTypesConfig, TypeParser } from './types.js';
import { binaryParserFrom, types as globalTypes } from './types-full.js';

/** A column description, as pg-protocol's `Field` and @types/pg's `FieldDef`. */
export interface FieldDef {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: string;
}

// biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
export type QueryResultRow = Record<string, any>;

/** `COMMAND [OID] [ROWS]`, e.g. `INSERT 0 2`, `SELECT 1`, `CREATE TABLE` (only `CREATE` is kept). */
const commandTag = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/;

export type RowMode = 'array' | undefined;

const ownNull: PropertyDescriptor = { value: null, writable: true, enumerable: true, configurable: true };

// biome-ignore lint/suspicious/noExplicitAny: see QueryResultRow
export class Result<R = any> {
  // `command` and `oid` are null until a CommandComplete arrives (and stay null after an empty
  // query), but are typed as @types/pg types them, so a Result assigns to `QueryResult`: code
  // written against @types/pg (`const r: QueryResult<Row> = await client.query(…)`) compiles.
  declare command: string;
  declare rowCount: number | null;
  declare oid: number;
  declare rows: R[];
  declare fields: FieldDef[];
  declare _parsers: TypeParser[] | undefined;
  declare _types: CustomTypesConfig | undefined;
  declare RowCtor: null;
  declare rowAsArray: boolean;
  declare _prebuiltEmptyResultObject: QueryResultRow | null;
  // Private fields are not own enumerable keys, so the visible shape stays exactly pg's.
  #names: string[] = [];
  #binary: boolean[] = [];

  constructor(rowMode?: string, types?: CustomTypesConfig) {
    // Assigned in pg's order: tests and tools that compare own keys see the same object.
    this.command = null as unknown as string;
    this.rowCount = null;
    this.oid = null as unknown as number;
    this.rows = [];
    this.fields = [];
    this._parsers = undefined;
    this._types = types;
    this.RowCtor = null;
    this.rowAsArray = rowMode === 'array';
    if (this.rowAsArray) this.parseRow = this._parseRowAsArray as unknown as (row: (string | null)[]) => R;
    this._prebuiltEmptyResultObject = null;
  }

  /** Reads `command`, `rowCount` and `oid` from a CommandComplete tag. */
  addCommandComplete(msg: { text?: string; command?: string }): void {
    const match = commandTag.exec(msg.text || msg.command || '');
    if (!match) return;
    this.command = match[1];
    if (match[3]) {
      this.oid = Number.parseInt(match[2], 10);
      this.rowCount = Number.parseInt(match[3], 10);
    } else if (match[2]) {
      this.rowCount = Number.parseInt(match[2], 10);
    }
  }

  addFields(fields: FieldDef[]): void {
    // A multi-statement simple query may send several row descriptions: start over each time.
    this.fields = fields;
    const registry = this._types ?? globalTypes;
    const parsers: TypeParser[] = new Array(fields.length);
    const names: string[] = new Array(fields.length);
    const binary: boolean[] = new Array(fields.length);
    // A plain object (not Object.create(null), which starts in V8's slow dictionary mode and made
    // this method the hottest of a 32-column query); `__proto__` is defined, not assigned, so it
    // stays an own key as every other column name.
    const template: QueryResultRow = {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      names[i] = field.name;
      binary[i] = field.format === 'binary';
      if (field.name === '__proto__') Object.defineProperty(template, field.name, ownNull);
      else template[field.name] = null;
      parsers[i] = binary[i]
        ? binaryParserFrom(registry, field.dataTypeID)
        : registry.getTypeParser(field.dataTypeID, (field.format || 'text') as 'text');
    }
    if (fields.length) this._parsers = parsers;
    this.#names = names;
    this.#binary = binary;
    this._prebuiltEmptyResultObject = { ...template };
  }

  parseRow(rowData: (string | null)[]): R {
    const row: QueryResultRow = { ...this._prebuiltEmptyResultObject };
    const parsers = this._parsers!;
    const names = this.#names;
    for (let i = 0; i < rowData.length; i++) {
      const raw = rowData[i];
      if (raw === null) {
        row[names[i]] = null;
      } else {
        // pg hands binary columns to their parser as bytes; its parser gives UTF-8 text.
        row[names[i]] = this.#binary[i] ? parsers[i](Buffer.from(raw) as unknown as string) : parsers[i](raw);
      }
    }
    return row as R;
  }

  _parseRowAsArray(rowData: (string | null)[]): unknown[] {
    const parsers = this._parsers!;
    const row = new Array(rowData.length);
    for (let i = 0; i < rowData.length; i++) {
      const raw = rowData[i];
      row[i] = raw === null ? null : parsers[i](raw);
    }
    return row;
  }

  addRow(row: R): void {
    this.rows.push(row);
  }
}
