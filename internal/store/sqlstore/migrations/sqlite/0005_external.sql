-- External authentications (third-party tokens a user keeps, sealed with
-- AES-GCM: never plain) and identity links ((issuer, subject) → user).
-- Both go with their user.

CREATE TABLE external_auths (
    org_id         BLOB    NOT NULL,
    user_id        BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service        TEXT    NOT NULL,
    service_user   TEXT    NOT NULL,
    access_token   BLOB    NOT NULL,
    access_secret  BLOB,
    display_name   TEXT    NOT NULL,
    token_expires  INTEGER,
    secret_expires INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, service)
);

CREATE TABLE identity_links (
    org_id     BLOB    NOT NULL,
    user_id    BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, issuer)
);
CREATE UNIQUE INDEX identity_links_subject_uq ON identity_links (org_id, issuer, subject);
