/**
 * The data the documentation examples use: a small seed per table, copied into a fresh database
 * for each example (CREATE DATABASE … TEMPLATE), so no example sees another's writes; and the
 * files an example may read from its working directory.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { clientConfig } from '../setup/pg.js';

/** One table the examples query: its DDL and its rows. */
interface Seed {
  create: string;
  rows: string;
}

const seeds: Record<string, Seed> = {
  users: {
    create: 'create table users (id int primary key, name text not null)',
    rows: "insert into users values (1, 'Ada'), (2, 'Edsger'), (42, 'Grace')",
  },
  items: {
    create: 'create table items (id int primary key, name text not null, stock int not null)',
    rows: "insert into items values (7, 'widget', 3), (8, 'gadget', 0)",
  },
  events: {
    create: 'create table events (day date not null, kind text not null)',
    rows: "insert into events values ('2026-11-24', 'start'), ('2026-11-24', 'click'), ('2026-11-24', 'stop'), ('2026-11-25', 'start')",
  },
  accounts: {
    create: 'create table accounts (id int primary key, amount int not null)',
    rows: 'insert into accounts values (1, 100), (2, 50)',
  },
};

/** Files in each example's working directory (the COPY example reads `events.csv`). */
const files: Record<string, string> = {
  'events.csv': '2026-11-26,start\n2026-11-26,stop\n',
};

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(clientConfig('superuser'));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Databases for the examples, cloned from one seeded template; `dropAll` removes every one. */
export class ExampleDatabases {
  private readonly template: string;
  private readonly created: string[] = [];

  private constructor(private readonly prefix: string) {
    this.template = `${prefix}_template`;
  }

  static async create(): Promise<ExampleDatabases> {
    const databases = new ExampleDatabases(`edgepg_docs_${process.pid}`);
    await withAdmin((admin) => admin.query(`create database ${databases.template}`));
    databases.created.push(databases.template);
    const seeder = new pg.Client({ ...clientConfig('superuser'), database: databases.template });
    await seeder.connect();
    try {
      for (const seed of Object.values(seeds)) {
        await seeder.query(seed.create);
        await seeder.query(seed.rows);
      }
    } finally {
      await seeder.end();
    }
    return databases;
  }

  /** A fresh copy of the seeded template; the template has no open connection at this point. */
  async fresh(): Promise<string> {
    const name = `${this.prefix}_${this.created.length}`;
    await withAdmin((admin) => admin.query(`create database ${name} template ${this.template}`));
    this.created.push(name);
    return name;
  }

  async dropAll(): Promise<void> {
    await withAdmin(async (admin) => {
      for (const name of this.created.reverse())
        await admin.query(`drop database if exists ${name} with (force)`);
    });
  }
}

/** A new working directory holding the example files. */
export async function exampleWorkDir(parent: string): Promise<string> {
  const dir = await mkdtemp(join(parent, 'cwd-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}
