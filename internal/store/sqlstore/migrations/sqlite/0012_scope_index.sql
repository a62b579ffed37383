-- The scope index leaves out the bindings at their organization's own
-- scope (issue 6: a million users' file, about 25 bytes a user less). Every
-- user has one, and they all share one key, (org_id, the organization's
-- ID), so the index cannot narrow them down: a query by that scope reads
-- the organization's bindings in ID order instead. A query by a workspace
-- or project states the index's condition (bindingScoped in bindings.go).

DROP INDEX role_bindings_scope;
CREATE INDEX role_bindings_scope ON role_bindings (org_id, scope_id) WHERE scope_type <> 'org';
