-- Credentials: service accounts, API keys, OAuth clients, grants and their
-- refresh tokens, authentication methods (MFA), recovery codes, password
-- policy and history. Secrets are never stored: keys, client secrets,
-- refresh tokens and recovery codes as SHA-256, TOTP seeds sealed.
-- Lists of strings (sources, permissions) are JSON arrays in TEXT.

CREATE TABLE service_accounts (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id          UUID    PRIMARY KEY,
    org_id      UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_norm   TEXT    COLLATE "C" NOT NULL,
    description TEXT    NOT NULL,
    disabled    BOOLEAN NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX service_accounts_name_uq ON service_accounts (org_id, name_norm);
CREATE INDEX service_accounts_org ON service_accounts (org_id, id);

-- API keys belong to a user or a service account (principal_id, no foreign
-- key: the store deletes a principal's keys with it).
CREATE TABLE api_keys (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id             UUID    PRIMARY KEY,
    org_id         UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    principal_kind TEXT    NOT NULL,
    principal_id   UUID    NOT NULL,
    secret_hash    BYTEA   NOT NULL,
    description    TEXT    NOT NULL,
    valid_sources  TEXT    NOT NULL,
    permissions    TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    expires_at     BIGINT,
    last_used_at   BIGINT,
    last_used_from TEXT    NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX api_keys_principal ON api_keys (org_id, principal_id, seq);

CREATE TABLE oauth_clients (
    id                 UUID    PRIMARY KEY,
    org_id             UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    service_account_id UUID    REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    secret_hash        BYTEA   NOT NULL,
    allow_password     BOOLEAN NOT NULL,
    created_at         BIGINT  NOT NULL,
    revoked_at         BIGINT
);
CREATE INDEX oauth_clients_sa ON oauth_clients (org_id, service_account_id);

CREATE TABLE grants (
    id             UUID    PRIMARY KEY,
    org_id         UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    principal_kind TEXT    NOT NULL,
    principal_id   UUID    NOT NULL,
    type           TEXT    NOT NULL,
    client_id      UUID,
    for_client_id  TEXT    NOT NULL,
    permissions    TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    last_used_at   BIGINT,
    expires_at     BIGINT,
    revoked_at     BIGINT
);
CREATE INDEX grants_principal ON grants (org_id, principal_id, id);

CREATE TABLE refresh_tokens (
    id          UUID    PRIMARY KEY,
    org_id      UUID    NOT NULL,
    grant_id    UUID    NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    secret_hash BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

CREATE TABLE auth_methods (
    org_id        UUID    NOT NULL,
    user_id       UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method        TEXT    NOT NULL,
    initialized   BOOLEAN NOT NULL,
    enabled       BOOLEAN NOT NULL,
    secret        BYTEA,
    settings      TEXT    NOT NULL,
    last_step     BIGINT  NOT NULL,
    last_login_at BIGINT,
    last_login_ip TEXT    NOT NULL,
    updated_at    BIGINT  NOT NULL,
    PRIMARY KEY (user_id, method)
);

CREATE TABLE recovery_codes (
    org_id  UUID    NOT NULL,
    user_id UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    BYTEA   NOT NULL,
    used_at BIGINT,
    PRIMARY KEY (user_id, hash)
);

CREATE TABLE password_policies (
    org_id       UUID    PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    min_length   BIGINT  NOT NULL,
    max_length   BIGINT  NOT NULL,
    blocklist    BOOLEAN NOT NULL,
    history      BIGINT  NOT NULL,
    max_age_days BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE password_history (
    seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  UUID    NOT NULL,
    user_id UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    TEXT    NOT NULL,
    set_at  BIGINT  NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, seq);

-- When the user last chose a password (0: never, e.g. an imported hash).
-- SetPasswordHash, which only rehashes the same password, leaves it.
ALTER TABLE passwords ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
