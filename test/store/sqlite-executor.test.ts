import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  preparedPerConnection,
  rewritePlaceholders,
  sqliteExecutor,
} from '../../src/store/sqlite/sqlite-executor.js';

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
    expect(rewritePlaceholders('SELECT [a$1?], $2 /* $3 ? */ FROM t')).toEqual({
      text: 'SELECT [a$1?], ? /* $3 ? */ FROM t',
      order: [1],
    });
    expect(() => rewritePlaceholders('SELECT a FROM t WHERE b = ?')).toThrow(
      'SQL placeholder "?" at offset 26: placeholders are $1, $2 … on both backends',
    );
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

  it('keeps the statements in use prepared, also those first met after the cache is full', async () => {
    const db = new Database(join(dir, 'cache.db'));
    try {
      const prepared: string[] = [];
      const prepare = db.prepare.bind(db);
      db.prepare = ((text: string) => {
        prepared.push(text);
        return prepare(text);
      }) as typeof db.prepare;
      const tx = sqliteExecutor(db);
      const hot = 'SELECT $1 AS hot';
      await tx.query(hot, [1]);
      // More distinct texts than a connection keeps (IN lists of every length, say), the hot
      // statement still in use among them.
      for (let n = 1; n <= preparedPerConnection + 100; n++) {
        const list = Array.from({ length: n }, (_, k) => `$${k + 1}`).join(', ');
        await tx.query(`SELECT 1 WHERE 1 IN (${list})`, Array(n).fill(1));
        if (n % 50 === 0) await tx.query(hot, [n]);
      }
      // A statement first met now is prepared once, not on every call.
      const late = 'SELECT $1 AS late';
      for (let i = 0; i < 3; i++) {
        expect((await tx.query<{ late: number }>(late, [i])).rows).toEqual([{ late: i }]);
      }
      expect(prepared.filter((t) => t === 'SELECT ? AS late')).toHaveLength(1);
      expect(prepared.filter((t) => t === 'SELECT ? AS hot')).toHaveLength(1);
      // The least recently used went: the first list is prepared again.
      await tx.query('SELECT 1 WHERE 1 IN ($1)', [1]);
      expect(prepared.filter((t) => t === 'SELECT 1 WHERE 1 IN (?)')).toHaveLength(2);
    } finally {
      db.close();
    }
  });
});
