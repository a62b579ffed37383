-- Idempotent requests: a write sent with an Idempotency-Key, its request's
-- fingerprint and, once done, its answer (the body sealed).
CREATE TABLE idempotent_requests (
    org_id       BLOB    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    principal_id BLOB    NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  BLOB    NOT NULL,
    done         INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    location     TEXT    NOT NULL,
    body         BLOB,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotent_requests_expiry ON idempotent_requests (expires_at);
