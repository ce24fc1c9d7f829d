import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { rewritePlaceholders, sqliteExecutor } from '../../src/store/sqlite/sqlite-executor.js';

describe('SQLite executor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wi-exec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites $n placeholders to positional ones, not inside literals, quoted names or comments', () => {
    expect(rewritePlaceholders('SELECT $1, $2, $1 FROM t WHERE a = $10')).toEqual({
      text: 'SELECT ?, ?, ? FROM t WHERE a = ?',
      order: [0, 1, 0, 9],
    });
    expect(rewritePlaceholders(`SELECT '$1', "$2", $3 -- $4\nFROM t`)).toEqual({
      text: `SELECT '$1', "$2", ? -- $4\nFROM t`,
      order: [2],
    });
    expect(rewritePlaceholders("SELECT 'it''s $1', $1")).toEqual({
      text: "SELECT 'it''s $1', ?",
      order: [0],
    });
  });

  it('binds a parameter used several times, and ignores parameters the statement does not use', async () => {
    const db = new Database(join(dir, 'bind.db'));
    try {
      const tx = sqliteExecutor(db);
      const { rows } = await tx.query<{ a: number; b: string; c: number }>(
        'SELECT $2 AS a, $1 AS b, $2 + $2 AS c',
        ['x', 20, 'unused'],
      );
      expect(rows).toEqual([{ a: 20, b: 'x', c: 40 }]);
      await expect(tx.query('SELECT $1, $2', ['only one'])).rejects.toThrow(/undefined/);
    } finally {
      db.close();
    }
  });

  it('stores booleans as 0/1, Dates as ISO-8601 text and Uint8Array as a blob; reports rowCount', async () => {
    const db = new Database(join(dir, 'x.db'));
    try {
      const tx = sqliteExecutor(db);
      await tx.exec('CREATE TABLE v (b INTEGER, d TEXT, bytes BLOB, n INTEGER)');
      const inserted = await tx.query('INSERT INTO v VALUES ($1, $2, $3, $4), ($1, $2, $3, $4)', [
        true,
        new Date('2026-01-02T03:04:05.678Z'),
        new Uint8Array([0, 255, 1]),
        9007199254740993n,
      ]);
      expect(inserted).toEqual({ rows: [], rowCount: 2 });
      const { rows, rowCount } = await tx.query<{ b: number; d: string; bytes: Buffer }>(
        'SELECT b, d, bytes FROM v WHERE b = $1',
        [true],
      );
      expect(rowCount).toBe(2);
      expect(rows[0]).toEqual({
        b: 1,
        d: '2026-01-02T03:04:05.678Z',
        bytes: Buffer.from([0, 255, 1]),
      });
      await expect(tx.query('SELECT $1', [undefined])).rejects.toThrow(/undefined/);
    } finally {
      db.close();
    }
  });
});
