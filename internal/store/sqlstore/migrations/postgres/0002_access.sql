-- The access model: groups, workspaces, projects, custom roles and role
-- bindings. Users' org roles move from a column into org-scope bindings, so
-- that every grant, built-in or custom, direct or through a group, is one
-- kind of row. Bindings name subjects and scopes of several kinds, so they
-- carry no foreign keys to them; the store removes a deleted subject's or
-- scope's bindings in the same transaction.

ALTER TABLE orgs ADD COLUMN authz_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE groups (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id          UUID    PRIMARY KEY,
    org_id      UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    COLLATE "C" NOT NULL,
    description TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX groups_name_uq ON groups (org_id, name_norm);
CREATE INDEX groups_org ON groups (org_id, id);

CREATE TABLE group_members (
    group_id       UUID    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    org_id         UUID    NOT NULL,
    principal_type TEXT    NOT NULL,
    principal_id   UUID    NOT NULL,
    created_at     BIGINT  NOT NULL,
    PRIMARY KEY (group_id, principal_id)
);
CREATE INDEX group_members_principal ON group_members (org_id, principal_id);

CREATE TABLE workspaces (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id         UUID    PRIMARY KEY,
    org_id     UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    domain     TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX workspaces_domain_uq ON workspaces (org_id, domain);
CREATE INDEX workspaces_org ON workspaces (org_id, id);

CREATE TABLE projects (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           UUID    PRIMARY KEY,
    org_id       UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    workspace_id UUID    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    name_norm    TEXT    COLLATE "C" NOT NULL,
    description  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX projects_name_uq ON projects (workspace_id, name_norm);
CREATE INDEX projects_org ON projects (org_id, id);
CREATE INDEX projects_workspace ON projects (workspace_id, id);

CREATE TABLE roles (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id          UUID    PRIMARY KEY,
    org_id      UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    COLLATE "C" NOT NULL,
    description TEXT    NOT NULL,
    permissions TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX roles_name_uq ON roles (org_id, name_norm);

CREATE TABLE role_bindings (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           UUID    PRIMARY KEY,
    org_id       UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    subject_type TEXT    NOT NULL,
    subject_id   UUID    NOT NULL,
    role         TEXT    NOT NULL,
    scope_type   TEXT    NOT NULL,
    scope_id     UUID    NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX role_bindings_uq ON role_bindings (org_id, subject_id, role, scope_type, scope_id);
CREATE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_scope ON role_bindings (org_id, scope_id);
CREATE INDEX role_bindings_role ON role_bindings (org_id, role);

INSERT INTO role_bindings (id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at)
SELECT gen_random_uuid(), u.org_id, 'user', u.id, r.value, 'org', u.org_id, u.created_at
FROM users u, json_array_elements_text(u.roles::json) AS r(value);

ALTER TABLE users DROP COLUMN roles;
