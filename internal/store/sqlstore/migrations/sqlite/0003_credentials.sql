-- Credentials: service accounts, API keys, OAuth clients, grants and their
-- refresh tokens, authentication methods (MFA), recovery codes, password
-- policy and history. Secrets are never stored: keys, client secrets,
-- refresh tokens and recovery codes as SHA-256, TOTP seeds sealed.
-- Lists of strings (sources, permissions) are JSON arrays in TEXT.

CREATE TABLE service_accounts (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          BLOB    NOT NULL UNIQUE,
    org_id      BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    NOT NULL,
    description TEXT    NOT NULL,
    disabled    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX service_accounts_name_uq ON service_accounts (org_id, name_norm);
CREATE INDEX service_accounts_org ON service_accounts (org_id, id);

-- API keys belong to a user or a service account (principal_id, no foreign
-- key: the store deletes a principal's keys with it).
CREATE TABLE api_keys (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB    NOT NULL UNIQUE,
    org_id         BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
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
CREATE INDEX api_keys_principal ON api_keys (org_id, principal_id, seq);

CREATE TABLE oauth_clients (
    id                 BLOB    PRIMARY KEY,
    org_id             BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    service_account_id BLOB    REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    secret_hash        BLOB    NOT NULL,
    allow_password     INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    revoked_at         INTEGER
);
CREATE INDEX oauth_clients_sa ON oauth_clients (org_id, service_account_id);

CREATE TABLE grants (
    id             BLOB    PRIMARY KEY,
    org_id         BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
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
CREATE INDEX grants_principal ON grants (org_id, principal_id, id);

CREATE TABLE refresh_tokens (
    id          BLOB    PRIMARY KEY,
    org_id      BLOB    NOT NULL,
    grant_id    BLOB    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    secret_hash BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

CREATE TABLE auth_methods (
    org_id        BLOB    NOT NULL,
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

CREATE TABLE recovery_codes (
    org_id  BLOB    NOT NULL,
    user_id BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BLOB    NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, hash)
);

CREATE TABLE password_policies (
    org_id       BLOB    PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    min_length   INTEGER NOT NULL,
    max_length   INTEGER NOT NULL,
    blocklist    INTEGER NOT NULL,
    history      INTEGER NOT NULL,
    max_age_days INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE password_history (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id  BLOB    NOT NULL,
    user_id BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    TEXT    NOT NULL,
    set_at  INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, seq);

-- When the user last chose a password (0: never, e.g. an imported hash).
-- SetPasswordHash, which only rehashes the same password, leaves it.
ALTER TABLE passwords ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
