import { describe, expect, it } from 'vitest';
import {
  EventValidationError,
  eventNames,
  findEventIssues,
  validateEvent,
} from '../../src/events/index.js';
import { sampleEvent } from '../../src/testing/index.js';

function rejection(value: unknown, options?: Parameters<typeof validateEvent>[1]) {
  try {
    validateEvent(value, options);
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('validateEvent accepted the value');
}

describe('validateEvent', () => {
  it.each(eventNames)('accepts the sample of %s, enums checked strictly', (name) => {
    for (const seed of [1, 2]) {
      const wire = sampleEvent(name, { seed });
      expect(findEventIssues(wire, { strictEnums: true, knownNamesOnly: true })).toEqual([]);
      expect(validateEvent(wire)).toBe(wire);
    }
  });

  it('names a wrong type with its path, expected and received types', () => {
    const error = rejection(
      sampleEvent('dsync.user.created', { overrides: { data: { email: 1 as never } } }),
    );
    expect(error.code).toBe('invalid_data');
    expect(error.path).toBe('data.email');
    expect(error.message).toContain('data.email: expected string | null, received number');
  });

  it('names a missing required field', () => {
    const error = rejection(
      sampleEvent('user.created', { overrides: { data: { id: undefined } } }),
    );
    expect(error.issues).toEqual([{ path: 'data.id', expected: 'string', received: 'undefined' }]);
  });

  it('follows nested objects and array items', () => {
    const sso = rejection(
      sampleEvent('authentication.sso_succeeded', {
        overrides: { data: { sso: { connection_id: undefined } } },
      }),
    );
    expect(sso.path).toBe('data.sso.connection_id');
    const domains = rejection(
      sampleEvent('organization.created', {
        overrides: { data: { domains: [{ id: 5 }] as never } },
      }),
    );
    expect(domains.issues.map((i) => i.path)).toContain('data.domains[0].id');
    expect(domains.issues.map((i) => i.path)).toContain('data.domains[0].domain');
    const permissions = rejection(
      sampleEvent('role.created', { overrides: { data: { permissions: ['a', 2] as never } } }),
    );
    expect(permissions.issues).toEqual([
      { path: 'data.permissions[1]', expected: 'string', received: 'number' },
    ]);
  });

  it('lists every bad field, not only the first', () => {
    const wire = sampleEvent('session.created', {
      overrides: { data: { user_id: 3 as never, status: null as never, expires_at: undefined } },
    });
    expect(findEventIssues(wire).map((i) => i.path)).toEqual([
      'data.user_id',
      'data.status',
      'data.expires_at',
    ]);
  });

  it('accepts extra fields and optional fields left out', () => {
    const wire = sampleEvent('organization_membership.created', {
      overrides: { data: { organization_name: undefined, custom_attributes: undefined } },
    });
    Object.assign(wire.data, { brand_new: { x: 1 } });
    expect(findEventIssues(wire)).toEqual([]);
    expect(Object.keys(wire.data)).not.toContain('organization_name');
  });

  it('accepts unknown enum values unless strictEnums', () => {
    const wire = sampleEvent('connection.activated', {
      overrides: { data: { state: 'brand_new_state' as never } },
    });
    expect(findEventIssues(wire)).toEqual([]);
    const error = rejection(wire, { strictEnums: true });
    expect(error.message).toContain(
      "data.state: expected one of 'draft', 'active', 'inactive', 'validating', received \"brand_new_state\"",
    );
  });

  it('accepts unknown names unless knownNamesOnly', () => {
    const wire = { id: 'event_1', event: 'brand.new', created_at: '2026-01-01', data: { any: 1 } };
    expect(validateEvent(wire)).toBe(wire);
    const error = rejection(wire, { knownNamesOnly: true });
    expect(error.code).toBe('unknown_event');
    expect(error.path).toBe('event');
  });

  it('checks only the envelope with data: false', () => {
    const wire = sampleEvent('user.created', { overrides: { data: { email: 1 as never } } });
    expect(validateEvent(wire, { data: false })).toBe(wire);
  });

  it('reports a broken envelope before looking at data', () => {
    expect(rejection({ id: 1, event: 'user.created', created_at: 'x', data: {} }).code).toBe(
      'invalid_envelope',
    );
    expect(rejection('not an event').code).toBe('not_json_object');
    expect(findEventIssues(null)).toEqual([{ path: '', expected: 'object', received: 'null' }]);
  });

  it('does not change the value it checks', () => {
    const wire = sampleEvent('dsync.group.user_added', { seed: 3 });
    const copy = structuredClone(wire);
    validateEvent(wire, { strictEnums: true });
    expect(wire).toStrictEqual(copy);
  });
});
