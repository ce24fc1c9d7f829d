-- The directory mirror (issue 4). Generated from one description for both dialects: same
-- columns, same semantics. Every entity row keeps the wire JSON of the newest event applied
-- (`raw`), that event's version (`version`: normalized created_at + ' ' + event id) and the
-- newest deletion that reached it (`deleted_version`); `deleted_at` is derived: the deletion's
-- time while that deletion is at least as new as the content, else NULL. No foreign keys:
-- children may arrive before their parents.
CREATE TABLE workos_organizations (
  id TEXT PRIMARY KEY,
  name TEXT,
  allow_profiles_outside_organization INTEGER,
  domains TEXT,
  stripe_customer_id TEXT,
  external_id TEXT,
  metadata TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_organizations_external_id ON workos_organizations (external_id);

CREATE TABLE workos_organization_domains (
  id TEXT PRIMARY KEY,
  organization_id TEXT,
  domain TEXT,
  state TEXT,
  verification_strategy TEXT,
  verification_token TEXT,
  verification_prefix TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_organization_domains_organization ON workos_organization_domains (organization_id, id);
CREATE INDEX workos_organization_domains_domain ON workos_organization_domains (domain);

CREATE TABLE workos_directories (
  id TEXT PRIMARY KEY,
  organization_id TEXT,
  name TEXT,
  type TEXT,
  state TEXT,
  external_key TEXT,
  domain TEXT,
  domains TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_directories_organization ON workos_directories (organization_id, id);

CREATE TABLE workos_directory_users (
  id TEXT PRIMARY KEY,
  directory_id TEXT,
  organization_id TEXT,
  idp_id TEXT,
  email TEXT,
  first_name TEXT,
  last_name TEXT,
  state TEXT,
  role TEXT,
  roles TEXT,
  custom_attributes TEXT,
  raw_attributes TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_directory_users_directory ON workos_directory_users (directory_id, id);
CREATE INDEX workos_directory_users_organization ON workos_directory_users (organization_id, id);
CREATE INDEX workos_directory_users_email ON workos_directory_users (email);

CREATE TABLE workos_directory_groups (
  id TEXT PRIMARY KEY,
  directory_id TEXT,
  organization_id TEXT,
  idp_id TEXT,
  name TEXT,
  raw_attributes TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_directory_groups_directory ON workos_directory_groups (directory_id, id);
CREATE INDEX workos_directory_groups_organization ON workos_directory_groups (organization_id, id);

CREATE TABLE workos_connections (
  id TEXT PRIMARY KEY,
  organization_id TEXT,
  name TEXT,
  connection_type TEXT,
  state TEXT,
  domains TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_connections_organization ON workos_connections (organization_id, id);
CREATE INDEX workos_connections_type ON workos_connections (connection_type, id);

CREATE TABLE workos_users (
  id TEXT PRIMARY KEY,
  email TEXT,
  email_verified INTEGER,
  first_name TEXT,
  last_name TEXT,
  name TEXT,
  profile_picture_url TEXT,
  last_sign_in_at TEXT,
  locale TEXT,
  external_id TEXT,
  metadata TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_users_email ON workos_users (LOWER(email));

CREATE TABLE workos_organization_memberships (
  id TEXT PRIMARY KEY,
  organization_id TEXT,
  organization_name TEXT,
  user_id TEXT,
  status TEXT,
  directory_managed INTEGER,
  role TEXT,
  roles TEXT,
  custom_attributes TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw TEXT NOT NULL,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED
);
CREATE INDEX workos_organization_memberships_organization ON workos_organization_memberships (organization_id, id);
CREATE INDEX workos_organization_memberships_user ON workos_organization_memberships (user_id, id);

CREATE TABLE workos_directory_group_memberships (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  directory_id TEXT,
  version TEXT NOT NULL,
  deleted_version TEXT,
  deleted_at TEXT GENERATED ALWAYS AS (CASE WHEN deleted_version IS NOT NULL AND deleted_version >= version THEN substr(deleted_version, 1, 30) END) STORED,
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX workos_directory_group_memberships_user ON workos_directory_group_memberships (user_id, group_id);
CREATE INDEX workos_directory_group_memberships_directory ON workos_directory_group_memberships (directory_id);
