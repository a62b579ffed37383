-- Warden's first schema (SQLite). IDs are 16-byte UUIDv7 blobs, times are
-- Unix microseconds (exactly what was written comes back, which the audit
-- hash chain needs), JSON documents are kept verbatim as text. *_norm columns
-- hold lower-cased copies for case-insensitive uniqueness and prefix search.

CREATE TABLE orgs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         BLOB    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    name_norm  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX orgs_name_uq ON orgs (name_norm);

CREATE TABLE users (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB    NOT NULL UNIQUE,
    org_id         BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
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
    roles          TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    disabled       INTEGER NOT NULL,
    instance_admin INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
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
    user_id BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id  BLOB NOT NULL,
    hash    TEXT NOT NULL
);

CREATE TABLE sessions (
    id           BLOB    PRIMARY KEY,
    org_id       BLOB    NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method       TEXT    NOT NULL,
    ip           TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE signing_keys (
    id             TEXT    PRIMARY KEY,
    algorithm      TEXT    NOT NULL,
    public_key     BLOB    NOT NULL,
    sealed_private BLOB    NOT NULL,
    created_at     INTEGER NOT NULL,
    retire_at      INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
);

-- The head of each organization's audit chain: appends lock and advance it.
CREATE TABLE audit_heads (
    org_id BLOB    PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    hash   BLOB    NOT NULL
);

CREATE TABLE audit_events (
    org_id      BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
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
CREATE INDEX audit_action ON audit_events (org_id, action, seq);
CREATE INDEX audit_actor ON audit_events (org_id, actor_id, seq);
CREATE INDEX audit_target ON audit_events (org_id, target_id, seq);
CREATE INDEX audit_time ON audit_events (org_id, time);
