// The parameter rules of docs/store.md ("Query parameters"), checked on both backends: where the
// two can agree they store the same thing; where they cannot, SQLite refuses with a message saying
// what to do instead. Before, an object failed on SQLite with better-sqlite3's "Too few parameter
// values were provided" (pg stores it as JSON), `true` and `42` reached a TEXT column as "1.0"
// and "42.0", an array was spread into more positional values, and a `?` placeholder got the same
// "Too few parameter values".
import { describe, expect, it } from 'vitest';
import type { SqlExecutor } from '../../src/store/sql-executor.js';
import type { Store } from '../../src/store/types.js';
import { useBackends } from './backends.js';

const backends = useBackends();

describe.each(backends)('query parameters on $name', (backend) => {
  async function open(): Promise<Store> {
    const store = await backend.fresh().open();
    await store.migrate(); // on PostgreSQL, creates the test's schema
    return store;
  }

  async function stored(values: unknown[]): Promise<unknown[]> {
    const store = await open();
    return store.writeTransaction(async (tx) => {
      await tx.query('CREATE TABLE p (n INTEGER, t TEXT)');
      for (const [n, value] of values.entries()) {
        await tx.query('INSERT INTO p (n, t) VALUES ($1, $2)', [n, value]);
      }
      const { rows } = await tx.query<{ t: unknown }>('SELECT t FROM p ORDER BY n');
      return rows.map((row) => row.t);
    });
  }

  async function refused(fn: (tx: SqlExecutor) => Promise<unknown>): Promise<unknown> {
    const store = await open();
    return store.read(fn).then(
      () => 'accepted',
      (error: unknown) => error,
    );
  }

  it('stores objects as the same JSON text, numbers and bigints as the same text', async () => {
    expect(
      await stored([
        { x: 1, s: 'é', nested: [true, null] },
        { at: new Date('2026-01-01T00:00:00.000Z') },
        42,
        -7,
        1.5,
        10n,
      ]),
    ).toEqual([
      '{"x":1,"s":"é","nested":[true,null]}',
      '{"at":"2026-01-01T00:00:00.000Z"}',
      '42',
      '-7',
      '1.5',
      '10',
    ]);
  });

  it('stores booleans as 1/0 on SQLite, true/false on PostgreSQL', async () => {
    expect(await stored([true, false])).toEqual(
      backend.name === 'sqlite' ? ['1', '0'] : ['true', 'false'],
    );
  });

  it('refuses undefined on both', async () => {
    expect(await refused((tx) => tx.query('SELECT $1 AS a', [undefined]))).toMatchObject({
      name: 'TypeError',
      message: 'SQL parameter is undefined (use null for NULL)',
    });
  });

  it('binds an array as a PostgreSQL array, and refuses it on SQLite', async () => {
    const result = await refused((tx) =>
      tx.query(backend.name === 'postgres' ? 'SELECT $1::text[] AS a' : 'SELECT $1 AS a', [
        ['x', 'y'],
      ]),
    );
    if (backend.name === 'postgres') {
      expect(result).toBe('accepted');
    } else {
      expect(result).toMatchObject({
        name: 'TypeError',
        message:
          'SQL parameter is an array: PostgreSQL takes it as an array, SQLite has none; pass JSON.stringify(value) for JSON text, or one parameter per element',
      });
    }
  });

  it('says to use $1, $2 … for a ? placeholder; a ? in a literal or comment is text', async () => {
    const error = await refused((tx) => tx.query('SELECT ? AS a', ['q']));
    expect(error).toMatchObject(
      backend.name === 'sqlite'
        ? {
            name: 'TypeError',
            message:
              'SQL placeholder "?" at offset 7: placeholders are $1, $2 … on both backends (SELECT ? AS a)',
          }
        : {
            code: '42601', // PostgreSQL's syntax error, kept; `?` is also a jsonb operator there
            message:
              'syntax error at or near "AS" (if "?" is meant as a placeholder: placeholders are $1, $2 … on both backends)',
          },
    );
    // The stack too: the worker records it as the attempt's lastError.
    expect((error as Error).stack).toContain('placeholders are $1, $2 … on both backends');
    const store = await open();
    const { rows } = await store.read((tx) =>
      tx.query(`SELECT '?' AS a, $1 AS b /* ? */ -- ?\n`, ['v']),
    );
    expect(rows).toEqual([{ a: '?', b: 'v' }]);
  });
});
