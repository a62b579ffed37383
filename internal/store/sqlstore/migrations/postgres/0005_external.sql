-- External authentications (third-party tokens a user keeps, sealed with
-- AES-GCM: never plain) and identity links ((issuer, subject) → user).
-- Both go with their user.

CREATE TABLE external_auths (
    org_id         UUID    NOT NULL,
    user_id        UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service        TEXT    NOT NULL,
    service_user   TEXT    NOT NULL,
    access_token   BYTEA   NOT NULL,
    access_secret  BYTEA,
    display_name   TEXT    NOT NULL,
    token_expires  BIGINT,
    secret_expires BIGINT,
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    PRIMARY KEY (user_id, service)
);

CREATE TABLE identity_links (
    org_id     UUID    NOT NULL,
    user_id    UUID    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, issuer)
);
CREATE UNIQUE INDEX identity_links_subject_uq ON identity_links (org_id, issuer, subject);
