// Details a drop-in must get right beyond verification's results: how the SDK's methods call one
// another (a stubbed verifyHeader), which error comes first for values that cannot be signed, and
// the client's public fields. Each compares the compat facade with @workos-inc/node 11.0.0.
import { createHmac } from 'node:crypto';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkOS } from '../../src/index.js';

const secret = 'whsec_drop_in';
const sdk = () => new SdkWorkOS({ clientId: 'client_x' }).webhooks;
const ours = () => new WorkOS().webhooks;
type Hooks = ReturnType<typeof ours>;

/** What a call came to: its value, or the error's class, name and message. */
const outcome = (call: () => Promise<unknown>) =>
  Promise.resolve()
    .then(call)
    .then(
      (value) => ({ value }),
      (e: unknown) => ({
        error: (e as Error).constructor.name,
        name: (e as Error).name,
        message: (e as Error).message,
      }),
    );

async function expectSame(call: (w: Hooks) => Promise<unknown>) {
  const theirs = await outcome(() => call(sdk() as unknown as Hooks));
  expect(await outcome(() => call(ours()))).toEqual(theirs);
  return theirs;
}

// As jest.spyOn(webhooks, 'verifyHeader') does (the SDK's is a getter, which vitest's spyOn cannot
// wrap; jest's replaces it with an own property, as this does).
function stub(hooks: Hooks, fn: Hooks['verifyHeader']): void {
  Object.defineProperty(hooks, 'verifyHeader', { value: fn, configurable: true, writable: true });
}

describe('a test suite that stubs verifyHeader, as the SDK allows', () => {
  it.each([
    [
      'an object',
      { id: 'event_1', event: 'user.created', data: { id: 'user_1' }, created_at: 'x' },
    ],
    [
      'JSON text',
      '{"id":"event_1","event":"dsync.group.created","data":{"id":"g"},"created_at":"x"}',
    ],
  ])(
    'constructEvent deserializes an unsigned fixture (%s) once the stub says yes',
    async (_n, payload) => {
      const seen: unknown[] = [];
      const run = async (hooks: Hooks) => {
        stub(hooks, (options) => {
          seen.push(options);
          return Promise.resolve(true);
        });
        return hooks.constructEvent({ payload, sigHeader: 't=1, v1=bad', secret });
      };
      const theirs = await outcome(() => run(sdk() as unknown as Hooks));
      expect(theirs).toHaveProperty('value');
      expect(await outcome(() => run(ours()))).toEqual(theirs);
      // Both called the stub with the same options, the default tolerance filled in.
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[0]).toMatchObject({ tolerance: 180_000 });
    },
  );

  it('a stub that rejects makes constructEvent reject with its error', async () => {
    const run = (hooks: Hooks) => {
      stub(hooks, () => Promise.reject(new Error('stubbed no')));
      return hooks.constructEvent({ payload: '{}', sigHeader: 't=1, v1=x', secret });
    };
    expect(await expectSame(run)).toMatchObject({ message: 'stubbed no' });
  });
});

describe('a payload JSON cannot serialize: the SDK’s error, in the SDK’s order', () => {
  const t = () => Date.now();
  const sig = createHmac('sha256', secret).update('x').digest('hex');
  const circular = (): object => {
    const o: Record<string, unknown> = { id: 'event_1' };
    o.self = o;
    return o;
  };
  it.each([
    ['circular, a part without `=` before v1', circular, () => `t=${t()}, x, v1=${sig}`],
    ['circular, v1 first', circular, () => `v1=${sig}, t=${t()}`],
    ['a BigInt, the timestamp last', () => 10n, () => `x=1, v1=${sig}, t=${t()}`],
    ['circular, a well-formed header', circular, () => `t=${t()}, v1=${sig}`],
  ])('%s', async (_name, payload, header) => {
    for (const method of ['verifyHeader', 'constructEvent'] as const) {
      await expectSame((w) =>
        w[method]({ payload: payload() as never, sigHeader: header(), secret }),
      );
    }
  });
});

describe('computeSignature: the first bad value is the one reported, as in the SDK', () => {
  it.each([
    ['a Symbol timestamp, no secret', Symbol('t'), 'x', ''],
    ['a BigInt payload, no secret', 1, 10n, undefined],
    ['a BigInt payload and a Symbol secret', 1, 10n, Symbol('s')],
    ['a good payload, no secret', 1, 'x', ''],
  ])('%s', async (_name, timestamp, payload, key) => {
    await expectSame((w) => w.computeSignature(timestamp, payload as never, key as never));
  });
});

describe('the client’s public fields, as the SDK fills them', () => {
  afterEach(() => vi.unstubAllEnvs());

  const fields = (w: {
    key?: unknown;
    clientId?: unknown;
    options: unknown;
    baseURL: unknown;
  }) => ({
    key: w.key,
    clientId: w.clientId,
    options: w.options,
    baseURL: w.baseURL,
  });

  it('from the environment when not given', () => {
    vi.stubEnv('WORKOS_API_KEY', 'sk_from_env');
    vi.stubEnv('WORKOS_CLIENT_ID', 'client_from_env');
    expect(fields(new WorkOS())).toEqual(fields(new SdkWorkOS()));
    expect(fields(new WorkOS())).toMatchObject({ key: 'sk_from_env', clientId: 'client_from_env' });
  });

  it.each([
    ['a key', ['sk_given']],
    ['options', [{ apiKey: 'sk_o', clientId: 'client_o', apiHostname: 'localhost', port: 8080 }]],
    ['plain HTTP', [{ apiKey: 'sk_o', https: false, apiHostname: 'api.internal' }]],
    ['a key and options', ['sk_k', { clientId: 'client_k' }]],
  ])('from %s', (_name, args) => {
    const copy = () => JSON.parse(JSON.stringify(args)) as [never, never];
    expect(fields(new WorkOS(...copy()))).toEqual(fields(new SdkWorkOS(...copy())));
  });
});
