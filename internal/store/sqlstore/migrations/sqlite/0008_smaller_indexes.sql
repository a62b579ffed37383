-- Fewer and smaller index entries per user (issue 6: a million users' file).
--
-- A user's email and username had two indexes each: (org_id, x) for
-- uniqueness within the organization and (x) for logging in without one.
-- One index (x, org_id) does both, and also serves the org-scoped lookups
-- and prefix searches, which test org_id from the index.
DROP INDEX users_email_uq;
DROP INDEX users_login_email;
CREATE UNIQUE INDEX users_email_uq ON users (email_norm, org_id);
DROP INDEX users_username_uq;
DROP INDEX users_login_username;
CREATE UNIQUE INDEX users_username_uq ON users (username_norm, org_id) WHERE username_norm <> '';

-- A principal's ID is unique across organizations, so the organization
-- adds nothing to finding its groups.
DROP INDEX group_members_principal;
CREATE INDEX group_members_principal ON group_members (principal_id);

-- Passwords are read by user ID only: keyed by it, the table needs neither
-- a rowid nor a second index on user_id.
CREATE TABLE passwords_keyed (
    user_id    BLOB    PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     BLOB    NOT NULL,
    hash       TEXT    NOT NULL,
    changed_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO passwords_keyed (user_id, org_id, hash, changed_at) SELECT user_id, org_id, hash, changed_at FROM passwords;
DROP TABLE passwords;
ALTER TABLE passwords_keyed RENAME TO passwords;
