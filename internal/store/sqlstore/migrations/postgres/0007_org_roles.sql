-- users.org_roles holds a user's org-scope role keys, sorted and
-- comma-joined: a projection of role_bindings that the trigger below keeps
-- in the same transaction as each binding's change. A user, or a page of
-- users, is then read with its roles in one row, not with a second lookup
-- per user in role_bindings.
ALTER TABLE users ADD COLUMN org_roles TEXT NOT NULL DEFAULT '';

UPDATE users SET org_roles = COALESCE((SELECT string_agg(role, ',' ORDER BY role) FROM role_bindings b
    WHERE b.org_id = users.org_id AND b.subject_id = users.id AND b.scope_type = 'org'), '');

-- sync_org_roles recomputes one user's projection. It locks the user's row
-- first: a concurrent transaction changing the same user's bindings then
-- waits for this one to commit, and its recomputation, a new statement with
-- a new snapshot, sees this one's binding.
CREATE FUNCTION sync_org_roles(org UUID, subject UUID) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users WHERE id = subject AND org_id = org FOR UPDATE;
    UPDATE users SET org_roles = COALESCE((SELECT string_agg(role, ',' ORDER BY role) FROM role_bindings b
        WHERE b.org_id = org AND b.subject_id = subject AND b.scope_type = 'org'), '')
    WHERE id = subject AND org_id = org;
END $$;

CREATE FUNCTION role_bindings_org_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.scope_type = 'org' THEN
        PERFORM sync_org_roles(OLD.org_id, OLD.subject_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.scope_type = 'org' THEN
        PERFORM sync_org_roles(NEW.org_id, NEW.subject_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER role_bindings_org_roles AFTER INSERT OR UPDATE OR DELETE ON role_bindings
    FOR EACH ROW EXECUTE FUNCTION role_bindings_org_roles();
