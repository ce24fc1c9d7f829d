import { ReconcileScopeError } from './reconcile-errors.js';

/** The parts of WorkOS's state a reconcile reads (`--only`). */
export const reconcileFamilies = [
  'dsync',
  'organizations',
  'connections',
  'user_management',
] as const;
export type ReconcileFamily = (typeof reconcileFamilies)[number];

/** What to reconcile. Without `organization` or `directory`, everything the families cover. */
export interface ReconcileScope {
  /** Only this organization: itself, its domains, directories, connections and memberships. */
  organization?: string;
  /** Only this directory: its users, groups and memberships (the `dsync` family alone). */
  directory?: string;
  /** @defaultValue every family */
  only?: readonly ReconcileFamily[];
}

/** `--only a,b` as families; a clear error naming the known ones otherwise. */
export function parseFamilies(text: string): ReconcileFamily[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const bad = names.find((n) => !(reconcileFamilies as readonly string[]).includes(n));
  if (names.length === 0 || bad !== undefined) {
    throw new ReconcileScopeError(
      `--only "${bad ?? text}": expected some of ${reconcileFamilies.join(', ')}, comma-separated`,
    );
  }
  return names as ReconcileFamily[];
}

/** The families to run, after checking that the scope makes sense. */
export function checkScope(scope: ReconcileScope): Set<ReconcileFamily> {
  const families = new Set<ReconcileFamily>(scope.only ?? reconcileFamilies);
  // An empty id (an unset shell variable: `--organization "$ORG"`) must not widen a repair of one
  // organization into a run over every one, deletions included.
  for (const [flag, id] of [
    ['--organization', scope.organization],
    ['--directory', scope.directory],
  ] as const) {
    if (id !== undefined && id.trim() === '') {
      throw new ReconcileScopeError(
        `${flag} is empty: give an id, or leave the flag out to reconcile every one`,
      );
    }
  }
  if (scope.directory !== undefined) {
    if (scope.organization !== undefined) {
      throw new ReconcileScopeError('--directory and --organization cannot be used together');
    }
    if (!families.has('dsync')) {
      throw new ReconcileScopeError(
        '--directory reconciles directory sync: --only must include dsync',
      );
    }
    return new Set(['dsync']);
  }
  return families;
}
