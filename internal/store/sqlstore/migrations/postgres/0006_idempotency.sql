-- Idempotent requests: a write sent with an Idempotency-Key, its request's
-- fingerprint and, once done, its answer (the body sealed).
CREATE TABLE idempotent_requests (
    org_id       UUID    NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    principal_id UUID    NOT NULL,
    key          TEXT    NOT NULL,
    fingerprint  BYTEA   NOT NULL,
    done         BOOLEAN NOT NULL,
    status       INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    location     TEXT    NOT NULL,
    body         BYTEA,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotent_requests_expiry ON idempotent_requests (expires_at);
