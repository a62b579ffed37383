-- The head of an organization's audit chain keeps the hash before its
-- last step too (issue 6: PostgreSQL create-user). An append then takes
-- its seq, its predecessor's hash and its own hash in one UPDATE, whose
-- SET reads the row it locks (prev = hash, hash = sha256(… hash …)):
-- the lock that orders the organization's appends is held for one
-- statement and the commit, not for a round trip to Warden and back
-- (appendAuditPG in audit.go).
ALTER TABLE audit_heads ADD COLUMN prev BYTEA NOT NULL DEFAULT '\x';
