-- Warden's first schema (PostgreSQL). IDs are UUIDs, times are
-- Unix microseconds (exactly what was written comes back, which the audit
-- hash chain needs), JSON documents are kept verbatim as text. *_norm columns
-- hold lower-cased copies for case-insensitive uniqueness and prefix search,
-- in the "C" collation so that range predicates compare bytes and use indexes.

CREATE TABLE orgs (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id         UUID    PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_norm  TEXT    COLLATE "C" NOT NULL,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX orgs_name_uq ON orgs (name_norm);

CREATE TABLE users (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id             UUID    PRIMARY KEY,
    org_id         UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL,
    email_norm     TEXT    COLLATE "C" NOT NULL,
    username       TEXT    NOT NULL,
    username_norm  TEXT    COLLATE "C" NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    full_name      TEXT    NOT NULL,
    first_norm     TEXT    COLLATE "C" NOT NULL,
    last_norm      TEXT    COLLATE "C" NOT NULL,
    full_norm      TEXT    COLLATE "C" NOT NULL,
    roles          TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    disabled       BOOLEAN NOT NULL,
    instance_admin BOOLEAN NOT NULL,
    version        BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    last_login_at  BIGINT
);
CREATE UNIQUE INDEX users_email_uq ON users (org_id, email_norm);
CREATE UNIQUE INDEX users_username_uq ON users (org_id, username_norm) WHERE username_norm <> '';
CREATE INDEX users_org_id ON users (org_id, id);
CREATE INDEX users_first ON users (org_id, first_norm);
CREATE INDEX users_last ON users (org_id, last_norm);
CREATE INDEX users_full ON users (org_id, full_norm);
CREATE INDEX users_login_email ON users (email_norm);
CREATE INDEX users_login_username ON users (username_norm) WHERE username_norm <> '';

CREATE TABLE passwords (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id  UUID NOT NULL,
    hash    TEXT NOT NULL
);

CREATE TABLE sessions (
    id           UUID    PRIMARY KEY,
    org_id       UUID    NOT NULL,
    user_id      UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method       TEXT    NOT NULL,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE signing_keys (
    id             TEXT    PRIMARY KEY,
    algorithm      TEXT    NOT NULL,
    public_key     BYTEA   NOT NULL,
    sealed_private BYTEA   NOT NULL,
    created_at     BIGINT  NOT NULL,
    retire_at      BIGINT  NOT NULL,
    expires_at     BIGINT  NOT NULL
);

-- The head of each organization's audit chain: appends lock and advance it.
CREATE TABLE audit_heads (
    org_id UUID    PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    seq    BIGINT  NOT NULL,
    hash   BYTEA   NOT NULL
);

CREATE TABLE audit_events (
    org_id      UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    seq         BIGINT  NOT NULL,
    id          UUID    NOT NULL UNIQUE,
    time        BIGINT  NOT NULL,
    actor_type  TEXT    NOT NULL,
    actor_id    UUID    NOT NULL,
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL,
    source_ip   TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    surface     TEXT    NOT NULL,
    changes     TEXT    NOT NULL,
    prev_hash   BYTEA   NOT NULL,
    hash        BYTEA   NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_action ON audit_events (org_id, action, seq);
CREATE INDEX audit_actor ON audit_events (org_id, actor_id, seq);
CREATE INDEX audit_target ON audit_events (org_id, target_id, seq);
CREATE INDEX audit_time ON audit_events (org_id, time);
