/** How one mirrored object maps onto its table. */
export interface EntityTable {
  table: string;
  /** Content columns besides id, created_at, updated_at and raw, in insert order. */
  columns: readonly string[];
  /** Columns holding JSON (TEXT on SQLite, JSONB on PostgreSQL). */
  json: ReadonlySet<string>;
  /** Columns holding booleans (0/1 on SQLite). */
  booleans: ReadonlySet<string>;
  /**
   * Rows whose parent directory is already deleted are born deleted: a late event must not
   * revive a row that an applied `dsync.deleted` would have removed had the event come first.
   */
  directoryChild: boolean;
}

function table(
  name: string,
  columns: readonly string[],
  options: { json?: string[]; booleans?: string[]; directoryChild?: boolean } = {},
): EntityTable {
  return {
    table: name,
    columns,
    json: new Set(options.json ?? []),
    booleans: new Set(options.booleans ?? []),
    directoryChild: options.directoryChild ?? false,
  };
}

export const organizationsTable = table(
  'workos_organizations',
  [
    'name',
    'allow_profiles_outside_organization',
    'domains',
    'stripe_customer_id',
    'external_id',
    'metadata',
  ],
  { json: ['domains', 'metadata'], booleans: ['allow_profiles_outside_organization'] },
);

export const organizationDomainsTable = table('workos_organization_domains', [
  'organization_id',
  'domain',
  'state',
  'verification_strategy',
  'verification_token',
  'verification_prefix',
]);

export const directoriesTable = table(
  'workos_directories',
  ['organization_id', 'name', 'type', 'state', 'external_key', 'domain', 'domains'],
  { json: ['domains'] },
);

export const directoryUsersTable = table(
  'workos_directory_users',
  [
    'directory_id',
    'organization_id',
    'idp_id',
    'email',
    'first_name',
    'last_name',
    'state',
    'role',
    'roles',
    'custom_attributes',
    'raw_attributes',
  ],
  { json: ['role', 'roles', 'custom_attributes', 'raw_attributes'], directoryChild: true },
);

export const directoryGroupsTable = table(
  'workos_directory_groups',
  ['directory_id', 'organization_id', 'idp_id', 'name', 'raw_attributes'],
  { json: ['raw_attributes'], directoryChild: true },
);

export const connectionsTable = table(
  'workos_connections',
  ['organization_id', 'name', 'connection_type', 'state', 'domains'],
  { json: ['domains'] },
);

export const usersTable = table(
  'workos_users',
  [
    'email',
    'email_verified',
    'first_name',
    'last_name',
    'name',
    'profile_picture_url',
    'last_sign_in_at',
    'locale',
    'external_id',
    'metadata',
  ],
  { json: ['metadata'], booleans: ['email_verified'] },
);

export const organizationMembershipsTable = table(
  'workos_organization_memberships',
  [
    'organization_id',
    'organization_name',
    'user_id',
    'status',
    'directory_managed',
    'role',
    'roles',
    'custom_attributes',
  ],
  { json: ['role', 'roles', 'custom_attributes'], booleans: ['directory_managed'] },
);

export const groupMembershipsTable = 'workos_directory_group_memberships';

/** Every mirror table, for dumps, docs and `TRUNCATE`-style resets. */
export const mirrorTableNames: readonly string[] = [
  organizationsTable.table,
  organizationDomainsTable.table,
  directoriesTable.table,
  directoryUsersTable.table,
  directoryGroupsTable.table,
  groupMembershipsTable,
  connectionsTable.table,
  usersTable.table,
  organizationMembershipsTable.table,
];
