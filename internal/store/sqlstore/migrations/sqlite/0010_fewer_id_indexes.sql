-- warden: foreign keys off
--
-- Two indexes fewer and shorter audit targets (issue 6: a million users'
-- file, about 100 bytes a user less):
--
-- - A role binding's ID is unique within its organization, (org_id, id),
--   which every lookup states; the global UNIQUE (id) was a second index on
--   the same key.
-- - An audit event is found by (org_id, seq); its ID had a UNIQUE index
--   that nothing reads.
-- - An audit target that is a UUID in its dashed, lower-case form is kept
--   as its 16 bytes (auditTarget in audit.go); any other target stays text.
--
-- Both tables are built again (SQLite drops a column's UNIQUE no other
-- way) with foreign keys off, as in migration 0009: nothing references
-- them, and a table dropped with the keys on would first delete its rows
-- one by one. The role bindings keep their seq and sqlite_sequence its
-- counter, so a deleted binding's seq is not handed out again.

CREATE TEMP TABLE v10_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'role_bindings';

DROP TRIGGER role_bindings_org_roles_insert;
DROP TRIGGER role_bindings_org_roles_delete;
DROP TRIGGER role_bindings_org_roles_update;

CREATE TABLE role_bindings_v10 (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           BLOB    NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    subject_type TEXT    NOT NULL,
    subject_id   BLOB    NOT NULL,
    role         TEXT    NOT NULL,
    scope_type   TEXT    NOT NULL,
    scope_id     BLOB    NOT NULL,
    created_at   INTEGER NOT NULL
);
INSERT INTO role_bindings_v10 (seq, id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at)
    SELECT seq, id, org_id, subject_type, subject_id, role, scope_type, scope_id, created_at FROM role_bindings;
DROP TABLE role_bindings;
ALTER TABLE role_bindings_v10 RENAME TO role_bindings;
CREATE UNIQUE INDEX role_bindings_uq ON role_bindings (org_id, subject_id, role, scope_type, scope_id);
CREATE UNIQUE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_scope ON role_bindings (org_id, scope_id);
CREATE INDEX role_bindings_role ON role_bindings (org_id, role);

UPDATE sqlite_sequence SET seq = (SELECT seq FROM v10_sequence)
    WHERE name = 'role_bindings' AND seq < (SELECT seq FROM v10_sequence);
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'role_bindings', seq FROM v10_sequence
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'role_bindings');
DROP TABLE v10_sequence;

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

CREATE TABLE audit_events_v10 (
    org_id      INTEGER NOT NULL REFERENCES orgs (seq) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    id          BLOB    NOT NULL,
    time        INTEGER NOT NULL,
    actor_type  TEXT    NOT NULL,
    actor_id    BLOB    NOT NULL,
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   TEXT    NOT NULL, -- TEXT, or the 16 bytes of a dashed lower-case UUID
    source_ip   TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    surface     TEXT    NOT NULL,
    changes     TEXT    NOT NULL,
    prev_hash   BLOB    NOT NULL,
    hash        BLOB    NOT NULL,
    PRIMARY KEY (org_id, seq)
);
INSERT INTO audit_events_v10 (org_id, seq, id, time, actor_type, actor_id, action, target_type, target_id,
        source_ip, user_agent, surface, changes, prev_hash, hash)
    SELECT org_id, seq, id, time, actor_type, actor_id, action, target_type,
        CASE WHEN typeof(target_id) = 'text' AND target_id GLOB
            '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
        THEN unhex(replace(target_id, '-', '')) ELSE target_id END,
        source_ip, user_agent, surface, changes, prev_hash, hash FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_v10 RENAME TO audit_events;
CREATE INDEX audit_action ON audit_events (org_id, action, seq);
CREATE INDEX audit_actor ON audit_events (org_id, actor_id, seq);
CREATE INDEX audit_target ON audit_events (org_id, target_id, seq);
CREATE INDEX audit_time ON audit_events (org_id, time);
