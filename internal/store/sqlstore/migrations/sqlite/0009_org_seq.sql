-- warden: foreign keys off
--
-- Every row names its organization by the organization's seq, a small
-- integer, instead of its 16-byte ID (issue 6: a million users' file). The
-- ID was repeated in every row and in every index entry that starts with
-- org_id: a fifth of the file. The store binds and reads org_id through
-- orgKeys (orgkeys.go); PostgreSQL keeps the ID.
--
-- SQLite changes a column's type or a foreign key only by building the
-- table again: each table is copied into a new one, dropped, and the new one
-- renamed, with foreign keys off (a table dropped with them on would first
-- delete its rows, and cascade). The migration runner checks the foreign
-- keys before it commits. An org_id that names no organization fails the
-- copy (NOT NULL) rather than being dropped.

CREATE TEMP TABLE v9_sequences AS SELECT name, seq FROM sqlite_sequence;
DROP TRIGGER role_bindings_org_roles_insert;
DROP TRIGGER role_bindings_org_roles_delete;
DROP TRIGGER role_bindings_org_roles_update;

-- users
CREATE TABLE users_v9 (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB    NOT NULL UNIQUE,
    org_id         INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    email          TEXT    NOT NULL,
    email_norm     TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    username_norm  TEXT    NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    full_name      TEXT    NOT NULL,
    first_norm     TEXT    NOT NULL,
    last_norm      TEXT    NOT NULL,
    full_norm      TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    disabled       INTEGER NOT NULL,
    instance_admin INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
, org_roles TEXT NOT NULL DEFAULT '');
INSERT INTO users_v9 (seq, id, org_id, email, email_norm, username, username_norm, first_name, last_name, full_name, first_norm, last_norm, full_norm, metadata, disabled, instance_admin, version, created_at, updated_at, last_login_at, org_roles)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = users.org_id), email, email_norm, username, username_norm, first_name, last_name, full_name, first_norm, last_norm, full_norm, metadata, disabled, instance_admin, version, created_at, updated_at, last_login_at, org_roles FROM users;
DROP TABLE users;
ALTER TABLE users_v9 RENAME TO users;
CREATE INDEX users_org_id ON users (org_id, id);
CREATE INDEX users_first ON users (org_id, first_norm);
CREATE INDEX users_last ON users (org_id, last_norm);
CREATE INDEX users_full ON users (org_id, full_norm);
CREATE UNIQUE INDEX users_email_uq ON users (email_norm, org_id);
CREATE UNIQUE INDEX users_username_uq ON users (username_norm, org_id) WHERE username_norm <> '';

-- sessions
CREATE TABLE sessions_v9 (
    id           BLOB    PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method       TEXT    NOT NULL,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
INSERT INTO sessions_v9 (id, org_id, user_id, method, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at)
    SELECT id, (SELECT orgs.seq FROM orgs WHERE orgs.id = sessions.org_id), user_id, method, ip, user_agent, created_at, last_seen_at, expires_at, revoked_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v9 RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id);

-- audit_heads
CREATE TABLE audit_heads_v9 (
    org_id INTEGER PRIMARY KEY REFERENCES orgs (seq) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    hash   BLOB    NOT NULL
);
INSERT INTO audit_heads_v9 (org_id, seq, hash)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = audit_heads.org_id), seq, hash FROM audit_heads;
DROP TABLE audit_heads;
ALTER TABLE audit_heads_v9 RENAME TO audit_heads;

-- audit_events
CREATE TABLE audit_events_v9 (
    org_id      INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    id          BLOB    NOT NULL UNIQUE,
    time        INTEGER NOT NULL,
    actor_type  TEXT    NOT NULL,
    actor_id    BLOB    NOT NULL,
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    source_ip   TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    surface     TEXT    NOT NULL,
    changes     TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL,
    hash        BLOB    NOT NULL,
    PRIMARY KEY (org_id, seq)
);
INSERT INTO audit_events_v9 (org_id, seq, id, time, actor_type, actor_id, action, target_type, target_id, source_ip, user_agent, surface, changes, prev_hash, hash)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = audit_events.org_id), seq, id, time, actor_type, actor_id, action, target_type, target_id, source_ip, user_agent, surface, changes, prev_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v9 RENAME TO audit_events;
CREATE INDEX audit_action ON audit_events (org_id, action, seq);
CREATE INDEX audit_actor ON audit_events (org_id, actor_id, seq);
CREATE INDEX audit_target ON audit_events (org_id, target_id, seq);
CREATE INDEX audit_time ON audit_events (org_id, time);

-- groups
CREATE TABLE groups_v9 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB    NOT NULL UNIQUE,
    org_id      INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    NOT NULL,
    description TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO groups_v9 (seq, id, org_id, name, name_norm, description, created_at, updated_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = groups.org_id), name, name_norm, description, created_at, updated_at FROM groups;
DROP TABLE groups;
ALTER TABLE groups_v9 RENAME TO groups;
CREATE UNIQUE INDEX groups_name_uq ON groups (org_id, name_norm);
CREATE INDEX groups_org ON groups (org_id, id);

-- group_members
CREATE TABLE group_members_v9 (
    group_id       BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    org_id         INTEGER NOT NULL,
    principal_type TEXT    NOT NULL,
    principal_id   BLOB    NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (group_id, principal_id)
);
INSERT INTO group_members_v9 (group_id, org_id, principal_type, principal_id, created_at)
    SELECT group_id, (SELECT orgs.seq FROM orgs WHERE orgs.id = group_members.org_id), principal_type, principal_id, created_at FROM group_members;
DROP TABLE group_members;
ALTER TABLE group_members_v9 RENAME TO group_members;
CREATE INDEX group_members_principal ON group_members (principal_id);

-- workspaces
CREATE TABLE workspaces_v9 (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         BLOB    NOT NULL UNIQUE,
    org_id     INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    domain     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO workspaces_v9 (seq, id, org_id, title, domain, created_at, updated_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = workspaces.org_id), title, domain, created_at, updated_at FROM workspaces;
DROP TABLE workspaces;
ALTER TABLE workspaces_v9 RENAME TO workspaces;
CREATE UNIQUE INDEX workspaces_domain_uq ON workspaces (org_id, domain);
CREATE INDEX workspaces_org ON workspaces (org_id, id);

-- projects
CREATE TABLE projects_v9 (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB    NOT NULL UNIQUE,
    org_id       INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    workspace_id BLOB    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    name_norm    TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
INSERT INTO projects_v9 (seq, id, org_id, workspace_id, name, name_norm, description, created_at, updated_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = projects.org_id), workspace_id, name, name_norm, description, created_at, updated_at FROM projects;
DROP TABLE projects;
ALTER TABLE projects_v9 RENAME TO projects;
CREATE UNIQUE INDEX projects_name_uq ON projects (workspace_id, name_norm);
CREATE INDEX projects_org ON projects (org_id, id);
CREATE INDEX projects_workspace ON projects (workspace_id, id);

-- roles
CREATE TABLE roles_v9 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB    NOT NULL UNIQUE,
    org_id      INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    NOT NULL,
    description TEXT    NOT NULL,
    permissions TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO roles_v9 (seq, id, org_id, name, name_norm, description, permissions, created_at, updated_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = roles.org_id), name, name_norm, description, permissions, created_at, updated_at FROM roles;
DROP TABLE roles;
ALTER TABLE roles_v9 RENAME TO roles;
CREATE UNIQUE INDEX roles_name_uq ON roles (org_id, name_norm);

-- role_bindings
CREATE TABLE role_bindings_v9 (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB    NOT NULL UNIQUE,
    org_id       INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    subject_type TEXT    NOT NULL,
    subject_id   BLOB    NOT NULL,
    role         TEXT    NOT NULL,
    scope_type   TEXT    NOT NULL,
    scope_id     BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
INSERT INTO role_bindings_v9 (seq, id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = role_bindings.org_id), subject_type, subject_id, role, scope_type, scope_id, created_at FROM role_bindings;
DROP TABLE role_bindings;
ALTER TABLE role_bindings_v9 RENAME TO role_bindings;
CREATE UNIQUE INDEX role_bindings_uq ON role_bindings (org_id, subject_id, role, scope_type, scope_id);
CREATE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_scope ON role_bindings (org_id, scope_id);
CREATE INDEX role_bindings_role ON role_bindings (org_id, role);

-- service_accounts
CREATE TABLE service_accounts_v9 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB    NOT NULL UNIQUE,
    org_id      INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    NOT NULL,
    description TEXT    NOT NULL,
    disabled    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO service_accounts_v9 (seq, id, org_id, name, name_norm, description, disabled, created_at, updated_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = service_accounts.org_id), name, name_norm, description, disabled, created_at, updated_at FROM service_accounts;
DROP TABLE service_accounts;
ALTER TABLE service_accounts_v9 RENAME TO service_accounts;
CREATE UNIQUE INDEX service_accounts_name_uq ON service_accounts (org_id, name_norm);
CREATE INDEX service_accounts_org ON service_accounts (org_id, id);

-- api_keys
CREATE TABLE api_keys_v9 (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB    NOT NULL UNIQUE,
    org_id         INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    principal_kind TEXT    NOT NULL,
    principal_id   BLOB    NOT NULL,
    secret_hash    BLOB    NOT NULL,
    description    TEXT    NOT NULL,
    valid_sources  TEXT    NOT NULL,
    permissions    TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    last_used_at   INTEGER,
    last_used_from TEXT    NOT NULL,
    revoked_at     INTEGER
);
INSERT INTO api_keys_v9 (seq, id, org_id, principal_kind, principal_id, secret_hash, description, valid_sources, permissions, created_at, expires_at, last_used_at, last_used_from, revoked_at)
    SELECT seq, id, (SELECT orgs.seq FROM orgs WHERE orgs.id = api_keys.org_id), principal_kind, principal_id, secret_hash, description, valid_sources, permissions, created_at, expires_at, last_used_at, last_used_from, revoked_at FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_v9 RENAME TO api_keys;
CREATE INDEX api_keys_principal ON api_keys (org_id, principal_id, seq);

-- oauth_clients
CREATE TABLE oauth_clients_v9 (
    id                 BLOB    PRIMARY KEY,
    org_id             INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    service_account_id BLOB    REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    secret_hash        BLOB    NOT NULL,
    allow_password     INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    revoked_at         INTEGER
);
INSERT INTO oauth_clients_v9 (id, org_id, service_account_id, name, secret_hash, allow_password, created_at, revoked_at)
    SELECT id, (SELECT orgs.seq FROM orgs WHERE orgs.id = oauth_clients.org_id), service_account_id, name, secret_hash, allow_password, created_at, revoked_at FROM oauth_clients;
DROP TABLE oauth_clients;
ALTER TABLE oauth_clients_v9 RENAME TO oauth_clients;
CREATE INDEX oauth_clients_sa ON oauth_clients (org_id, service_account_id);

-- grants
CREATE TABLE grants_v9 (
    id             BLOB    PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    principal_kind TEXT    NOT NULL,
    principal_id   BLOB    NOT NULL,
    type           TEXT    NOT NULL,
    client_id      BLOB,
    for_client_id  TEXT    NOT NULL,
    permissions    TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER,
    expires_at     INTEGER,
    revoked_at     INTEGER
);
INSERT INTO grants_v9 (id, org_id, principal_kind, principal_id, type, client_id, for_client_id, permissions, created_at, last_used_at, expires_at, revoked_at)
    SELECT id, (SELECT orgs.seq FROM orgs WHERE orgs.id = grants.org_id), principal_kind, principal_id, type, client_id, for_client_id, permissions, created_at, last_used_at, expires_at, revoked_at FROM grants;
DROP TABLE grants;
ALTER TABLE grants_v9 RENAME TO grants;
CREATE INDEX grants_principal ON grants (org_id, principal_id, id);

-- refresh_tokens
CREATE TABLE refresh_tokens_v9 (
    id          BLOB    PRIMARY KEY,
    org_id      INTEGER NOT NULL,
    grant_id    BLOB    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    secret_hash BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
INSERT INTO refresh_tokens_v9 (id, org_id, grant_id, secret_hash, created_at, used_at)
    SELECT id, (SELECT orgs.seq FROM orgs WHERE orgs.id = refresh_tokens.org_id), grant_id, secret_hash, created_at, used_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_v9 RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

-- auth_methods
CREATE TABLE auth_methods_v9 (
    org_id        INTEGER NOT NULL,
    user_id       BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method        TEXT    NOT NULL,
    initialized   INTEGER NOT NULL,
    enabled       INTEGER NOT NULL,
    secret        BLOB,
    settings      TEXT    NOT NULL,
    last_step     INTEGER NOT NULL,
    last_login_at INTEGER,
    last_login_ip TEXT    NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, method)
);
INSERT INTO auth_methods_v9 (org_id, user_id, method, initialized, enabled, secret, settings, last_step, last_login_at, last_login_ip, updated_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = auth_methods.org_id), user_id, method, initialized, enabled, secret, settings, last_step, last_login_at, last_login_ip, updated_at FROM auth_methods;
DROP TABLE auth_methods;
ALTER TABLE auth_methods_v9 RENAME TO auth_methods;

-- recovery_codes
CREATE TABLE recovery_codes_v9 (
    org_id  INTEGER NOT NULL,
    user_id BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BLOB    NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, hash)
);
INSERT INTO recovery_codes_v9 (org_id, user_id, hash, used_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = recovery_codes.org_id), user_id, hash, used_at FROM recovery_codes;
DROP TABLE recovery_codes;
ALTER TABLE recovery_codes_v9 RENAME TO recovery_codes;

-- password_policies
CREATE TABLE password_policies_v9 (
    org_id       INTEGER PRIMARY KEY REFERENCES orgs (seq) ON DELETE CASCADE,
    min_length   INTEGER NOT NULL,
    max_length   INTEGER NOT NULL,
    blocklist    INTEGER NOT NULL,
    history      INTEGER NOT NULL,
    max_age_days INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
INSERT INTO password_policies_v9 (org_id, min_length, max_length, blocklist, history, max_age_days, updated_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = password_policies.org_id), min_length, max_length, blocklist, history, max_age_days, updated_at FROM password_policies;
DROP TABLE password_policies;
ALTER TABLE password_policies_v9 RENAME TO password_policies;

-- password_history
CREATE TABLE password_history_v9 (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id  INTEGER NOT NULL,
    user_id BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    TEXT    NOT NULL,
    set_at  INTEGER NOT NULL
);
INSERT INTO password_history_v9 (seq, org_id, user_id, hash, set_at)
    SELECT seq, (SELECT orgs.seq FROM orgs WHERE orgs.id = password_history.org_id), user_id, hash, set_at FROM password_history;
DROP TABLE password_history;
ALTER TABLE password_history_v9 RENAME TO password_history;
CREATE INDEX password_history_user ON password_history (user_id, seq);

-- sms_codes
CREATE TABLE sms_codes_v9 (
    id           BLOB    PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose      TEXT    NOT NULL,
    token_suffix TEXT    NOT NULL,
    sealed_code  BLOB    NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
INSERT INTO sms_codes_v9 (id, org_id, user_id, purpose, token_suffix, sealed_code, attempts, created_at, expires_at, used_at)
    SELECT id, (SELECT orgs.seq FROM orgs WHERE orgs.id = sms_codes.org_id), user_id, purpose, token_suffix, sealed_code, attempts, created_at, expires_at, used_at FROM sms_codes;
DROP TABLE sms_codes;
ALTER TABLE sms_codes_v9 RENAME TO sms_codes;
CREATE UNIQUE INDEX sms_codes_suffix_uq ON sms_codes (user_id, token_suffix);
CREATE INDEX sms_codes_latest_idx ON sms_codes (user_id, purpose, created_at);

-- external_auths
CREATE TABLE external_auths_v9 (
    org_id         INTEGER NOT NULL,
    user_id        BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service        TEXT    NOT NULL,
    service_user   TEXT    NOT NULL,
    access_token   BLOB    NOT NULL,
    access_secret  BLOB,
    display_name   TEXT    NOT NULL,
    token_expires  INTEGER,
    secret_expires INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, service)
);
INSERT INTO external_auths_v9 (org_id, user_id, service, service_user, access_token, access_secret, display_name, token_expires, secret_expires, created_at, updated_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = external_auths.org_id), user_id, service, service_user, access_token, access_secret, display_name, token_expires, secret_expires, created_at, updated_at FROM external_auths;
DROP TABLE external_auths;
ALTER TABLE external_auths_v9 RENAME TO external_auths;

-- identity_links
CREATE TABLE identity_links_v9 (
    org_id     INTEGER NOT NULL,
    user_id    BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, issuer)
);
INSERT INTO identity_links_v9 (org_id, user_id, issuer, subject, created_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = identity_links.org_id), user_id, issuer, subject, created_at FROM identity_links;
DROP TABLE identity_links;
ALTER TABLE identity_links_v9 RENAME TO identity_links;
CREATE UNIQUE INDEX identity_links_subject_uq ON identity_links (org_id, issuer, subject);

-- idempotent_requests
CREATE TABLE idempotent_requests_v9 (
    org_id       INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    principal_id BLOB    NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  BLOB    NOT NULL,
    done         INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    location     TEXT    NOT NULL,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (principal_id, key)
);
INSERT INTO idempotent_requests_v9 (org_id, principal_id, key, fingerprint, done, status, content_type, location, body, created_at, expires_at)
    SELECT (SELECT orgs.seq FROM orgs WHERE orgs.id = idempotent_requests.org_id), principal_id, key, fingerprint, done, status, content_type, location, body, created_at, expires_at FROM idempotent_requests;
DROP TABLE idempotent_requests;
ALTER TABLE idempotent_requests_v9 RENAME TO idempotent_requests;
CREATE INDEX idempotent_requests_expiry ON idempotent_requests (expires_at);

-- passwords
CREATE TABLE passwords_v9 (
    user_id    BLOB    PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    changed_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO passwords_v9 (user_id, org_id, hash, changed_at)
    SELECT user_id, (SELECT orgs.seq FROM orgs WHERE orgs.id = passwords.org_id), hash, changed_at FROM passwords;
DROP TABLE passwords;
ALTER TABLE passwords_v9 RENAME TO passwords;

UPDATE sqlite_sequence SET seq = (SELECT v.seq FROM v9_sequences v WHERE v.name = sqlite_sequence.name)
    WHERE seq < (SELECT v.seq FROM v9_sequences v WHERE v.name = sqlite_sequence.name);
INSERT INTO sqlite_sequence (name, seq)
    SELECT name, seq FROM v9_sequences v WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = v.name);
DROP TABLE v9_sequences;

CREATE TRIGGER role_bindings_org_roles_delete AFTER DELETE ON role_bindings
WHEN OLD.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = OLD.org_id AND b.subject_id = OLD.subject_id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE id = OLD.subject_id AND org_id = OLD.org_id;
END;
CREATE TRIGGER role_bindings_org_roles_insert AFTER INSERT ON role_bindings
WHEN NEW.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = NEW.org_id AND b.subject_id = NEW.subject_id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE id = NEW.subject_id AND org_id = NEW.org_id;
END;
CREATE TRIGGER role_bindings_org_roles_update AFTER UPDATE ON role_bindings
WHEN OLD.scope_type = 'org' OR NEW.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = users.org_id AND b.subject_id = users.id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE (id = OLD.subject_id AND org_id = OLD.org_id) OR (id = NEW.subject_id AND org_id = NEW.org_id);
END;
