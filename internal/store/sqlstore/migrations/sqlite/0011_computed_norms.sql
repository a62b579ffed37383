-- warden: foreign keys off
--
-- A user's lower-cased texts (email_norm, username_norm, first_norm,
-- last_norm, full_norm) are computed, not stored (issue 6: a million users'
-- file, about 70 bytes a user less). Each is a virtual generated column,
-- coalesce(*_fold, lower(text)), that its index stores as before. SQLite's
-- lower() lower-cases ASCII only (with or without ICU, ASCII comes out the
-- same), so *_fold keeps the form Warden made (strings.ToLower) of a text
-- holding any byte outside ASCII, and is NULL otherwise (lowered.go).
--
-- The table is built again (SQLite turns a stored column into a generated
-- one no other way), with foreign keys off as in migration 0009: the other
-- tables' keys name users (id), which the new table keeps, and a table
-- dropped with the keys on would first delete its rows, and cascade. The
-- users keep their seq and sqlite_sequence its counter. The role-binding
-- triggers that write users.org_roles are dropped and created again around
-- the rebuild.

CREATE TEMP TABLE v11_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'users';

DROP TRIGGER role_bindings_org_roles_insert;
DROP TRIGGER role_bindings_org_roles_delete;
DROP TRIGGER role_bindings_org_roles_update;

CREATE TABLE users_v11 (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             BLOB    NOT NULL UNIQUE,
    org_id         INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    email          TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    first_name     TEXT    NOT NULL,
    last_name      TEXT    NOT NULL,
    full_name      TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    disabled       INTEGER NOT NULL,
    instance_admin INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER,
    org_roles      TEXT    NOT NULL DEFAULT '',
    email_fold     TEXT,
    username_fold  TEXT,
    first_fold     TEXT,
    last_fold      TEXT,
    full_fold      TEXT,
    email_norm     TEXT    GENERATED ALWAYS AS (coalesce(email_fold, lower(email))) VIRTUAL,
    username_norm  TEXT    GENERATED ALWAYS AS (coalesce(username_fold, lower(username))) VIRTUAL,
    first_norm     TEXT    GENERATED ALWAYS AS (coalesce(first_fold, lower(first_name))) VIRTUAL,
    last_norm      TEXT    GENERATED ALWAYS AS (coalesce(last_fold, lower(last_name))) VIRTUAL,
    full_norm      TEXT    GENERATED ALWAYS AS (coalesce(full_fold, lower(full_name))) VIRTUAL
);
-- A text's byte length exceeds its length in characters exactly when it
-- holds a byte outside ASCII: then its stored form moves to *_fold.
INSERT INTO users_v11 (seq, id, org_id, email, username, first_name, last_name, full_name, metadata, disabled,
        instance_admin, version, created_at, updated_at, last_login_at, org_roles,
        email_fold, username_fold, first_fold, last_fold, full_fold)
    SELECT seq, id, org_id, email, username, first_name, last_name, full_name, metadata, disabled,
        instance_admin, version, created_at, updated_at, last_login_at, org_roles,
        CASE WHEN octet_length(email) > length(email) THEN email_norm END,
        CASE WHEN octet_length(username) > length(username) THEN username_norm END,
        CASE WHEN octet_length(first_name) > length(first_name) THEN first_norm END,
        CASE WHEN octet_length(last_name) > length(last_name) THEN last_norm END,
        CASE WHEN octet_length(full_name) > length(full_name) THEN full_norm END
    FROM users;
DROP TABLE users;
ALTER TABLE users_v11 RENAME TO users;
CREATE INDEX users_org_id ON users (org_id, id);
CREATE INDEX users_first ON users (org_id, first_norm);
CREATE INDEX users_last ON users (org_id, last_norm);
CREATE INDEX users_full ON users (org_id, full_norm);
CREATE UNIQUE INDEX users_email_uq ON users (email_norm, org_id);
CREATE UNIQUE INDEX users_username_uq ON users (username_norm, org_id) WHERE username_norm <> '';

UPDATE sqlite_sequence SET seq = (SELECT seq FROM v11_sequence)
    WHERE name = 'users' AND seq < (SELECT seq FROM v11_sequence);
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'users', seq FROM v11_sequence
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
DROP TABLE v11_sequence;

CREATE TRIGGER role_bindings_org_roles_insert AFTER INSERT ON role_bindings
WHEN NEW.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = NEW.org_id AND b.subject_id = NEW.subject_id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE id = NEW.subject_id AND org_id = NEW.org_id;
END;
CREATE TRIGGER role_bindings_org_roles_delete AFTER DELETE ON role_bindings
WHEN OLD.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = OLD.org_id AND b.subject_id = OLD.subject_id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE id = OLD.subject_id AND org_id = OLD.org_id;
END;
CREATE TRIGGER role_bindings_org_roles_update AFTER UPDATE ON role_bindings
WHEN OLD.scope_type = 'org' OR NEW.scope_type = 'org'
BEGIN
    UPDATE users SET org_roles = COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM role_bindings b
        WHERE b.org_id = users.org_id AND b.subject_id = users.id AND b.scope_type = 'org' ORDER BY role)), '')
    WHERE (id = OLD.subject_id AND org_id = OLD.org_id) OR (id = NEW.subject_id AND org_id = NEW.org_id);
END;
