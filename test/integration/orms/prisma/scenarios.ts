/**
 * Prisma 7 scenarios shared by every adapter (PrismaNeonHttp, PrismaNeon, PrismaPg). The client is
 * generated from prisma/schema.prisma; the tables come from CREATE_TABLES (no schema engine offline).
 */
import { expect, it } from 'vitest';
import type { PrismaClient } from '../generated/prisma/client.js';

export const CREATE_TABLES = [
  'drop table if exists prisma_post',
  'drop table if exists prisma_author',
  `create table prisma_author (
    id serial primary key,
    email text not null,
    name text not null,
    visits bigint not null default 0,
    profile jsonb,
    avatar bytea,
    joined timestamptz(3) not null default now()
  )`,
  'create unique index prisma_author_email_key on prisma_author (email)',
  `create table prisma_post (
    id serial primary key,
    title text not null,
    author_id integer not null references prisma_author (id)
  )`,
];

export interface PrismaContext {
  prisma: PrismaClient;
  /** `Prisma` namespace of the generated client (error classes). */
  errors: { PrismaClientKnownRequestError: new (...args: never[]) => Error };
}

/** Creates the same author twice; returns what the second create rejected with. */
async function duplicateAuthor(prisma: PrismaClient): Promise<unknown> {
  await prisma.author.create({ data: { email: 'dup@example.com', name: 'First' } });
  return prisma.author.create({ data: { email: 'dup@example.com', name: 'Second' } }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

export function sharedScenarios(ctx: () => PrismaContext): void {
  it('creates, finds, updates, counts and deletes', async () => {
    const { prisma } = ctx();
    const ada = await prisma.author.create({ data: { email: 'ada@example.com', name: 'Ada' } });
    await prisma.author.createMany({
      data: [
        { email: 'bob@example.com', name: 'Bob' },
        { email: 'cy@example.com', name: 'Cy' },
      ],
    });
    await prisma.post.create({ data: { title: 'Notes', authorId: ada.id } });

    const found = await prisma.author.findMany({
      where: { email: { endsWith: '@example.com' } },
      orderBy: { name: 'asc' },
      include: { posts: { select: { title: true } } },
    });
    expect(found.map((a) => [a.name, a.posts.map((p) => p.title)])).toEqual([
      ['Ada', ['Notes']],
      ['Bob', []],
      ['Cy', []],
    ]);

    const updated = await prisma.author.update({
      where: { email: 'bob@example.com' },
      data: { visits: { increment: 3 } },
    });
    expect(updated.visits).toBe(3n);
    expect(await prisma.author.count({ where: { visits: { gt: 0 } } })).toBe(1);
    const { count } = await prisma.author.deleteMany({ where: { email: 'cy@example.com' } });
    expect(count).toBe(1);
    expect(await prisma.author.findUnique({ where: { email: 'cy@example.com' } })).toBeNull();
  });

  it('round-trips BigInt, Json, Bytes and DateTime', async () => {
    const { prisma } = ctx();
    const avatar = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) % 256);
    const profile = { langs: ['sql', 'ts'], nested: { ok: true, n: 12.5 }, quote: '"\'' };
    const joined = new Date('2022-11-06T05:30:00.250Z'); // around a DST change in America/New_York
    const made = await prisma.author.create({
      data: {
        email: 'values@example.com',
        name: 'Values',
        visits: 9007199254740993n,
        profile,
        avatar,
        joined,
      },
    });
    const back = await prisma.author.findUniqueOrThrow({ where: { id: made.id } });
    expect(back.visits).toBe(9007199254740993n);
    expect(back.profile).toEqual(profile);
    expect(Uint8Array.from(back.avatar ?? [])).toEqual(avatar);
    expect(back.joined.toISOString()).toBe(joined.toISOString());

    const raw = await prisma.$queryRaw<{ big: bigint; len: number; tag: string }[]>`
      select visits as big, length(avatar) as len, profile -> 'langs' ->> 1 as tag
      from prisma_author where id = ${made.id}`;
    expect(raw).toEqual([{ big: 9007199254740993n, len: 256, tag: 'ts' }]);
  });
}

/**
 * What Prisma does over a connection (PrismaNeon, PrismaPg): error mapping, interactive and batch
 * transactions. Over HTTP the adapter refuses transactions and passes driver errors through unmapped
 * (its HTTP query path has no error conversion: the same with Neon's own driver).
 */
export function connectionScenarios(ctx: () => PrismaContext): void {
  it('maps a unique violation to P2002', async () => {
    const { prisma, errors } = ctx();
    const error = await duplicateAuthor(prisma);
    expect(error).toBeInstanceOf(errors.PrismaClientKnownRequestError);
    expect((error as { code: string }).code).toBe('P2002');
  });
  it('creates nested relations in one write and maps a foreign key violation to P2003', async () => {
    const { prisma } = ctx();
    const made = await prisma.author.create({
      data: {
        email: 'nested@example.com',
        name: 'Nested',
        posts: { create: [{ title: 'one' }, { title: 'two' }] },
      },
      include: { posts: { orderBy: { title: 'asc' } } },
    });
    expect(made.posts.map((p) => p.title)).toEqual(['one', 'two']);
    await expect(
      prisma.post.create({ data: { title: 'orphan', authorId: 2_000_000_000 } }),
    ).rejects.toMatchObject({
      code: 'P2003',
    });
  });

  it('commits an interactive transaction and rolls one back on throw', async () => {
    const { prisma } = ctx();
    await prisma.$transaction(async (tx) => {
      const a = await tx.author.create({ data: { email: 'tx-ok@example.com', name: 'Tx' } });
      await tx.post.create({ data: { title: 'in tx', authorId: a.id } });
    });
    const failed = await prisma
      .$transaction(async (tx) => {
        await tx.author.create({ data: { email: 'tx-undone@example.com', name: 'Undone' } });
        // Invisible outside until commit: the outer client runs on another connection.
        expect(await prisma.author.count({ where: { email: 'tx-undone@example.com' } })).toBe(0);
        throw new Error('application error');
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(failed?.message).toBe('application error');
    expect(await prisma.author.count({ where: { email: { startsWith: 'tx-' } } })).toBe(1);
    expect(await prisma.post.count({ where: { title: 'in tx' } })).toBe(1);
  });

  it('runs a batch $transaction atomically at the requested isolation level', async () => {
    const { prisma } = ctx();
    const [created, level] = await prisma.$transaction(
      [
        prisma.author.create({ data: { email: 'batch@example.com', name: 'Batch' } }),
        prisma.$queryRaw<{ level: string }[]>`select current_setting('transaction_isolation') as level`,
      ],
      { isolationLevel: 'Serializable' },
    );
    expect(created.name).toBe('Batch');
    expect(level).toEqual([{ level: 'serializable' }]);

    await expect(
      prisma.$transaction([
        prisma.author.create({ data: { email: 'batch-2@example.com', name: 'Two' } }),
        prisma.author.create({ data: { email: 'batch@example.com', name: 'Duplicate' } }),
      ]),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(await prisma.author.count({ where: { email: 'batch-2@example.com' } })).toBe(0);
  });
}

/** PrismaNeonHttp: a unique violation reaches the app as the PostgreSQL error, code and all. */
export function httpErrorScenario(ctx: () => PrismaContext): void {
  it('surfaces a unique violation with its PostgreSQL code (the HTTP adapter maps no errors)', async () => {
    const { prisma, errors } = ctx();
    const error = await duplicateAuthor(prisma);
    expect(error).toBeInstanceOf(errors.PrismaClientKnownRequestError);
    expect((error as { code: string }).code).toBe('23505');
  });
}
