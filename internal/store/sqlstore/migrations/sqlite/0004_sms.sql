-- One-time codes sent by SMS (enrolment of a phone, the second step of a
-- login). The code is sealed with AES-GCM, never plain: administrators may
-- read a pending one back by its token suffix. Codes go with their user.

CREATE TABLE sms_codes (
    id           BLOB    PRIMARY KEY,
    org_id       BLOB    NOT NULL,
    user_id      BLOB    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose      TEXT    NOT NULL,
    token_suffix TEXT    NOT NULL,
    sealed_code  BLOB    NOT NULL,
    attempts     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE UNIQUE INDEX sms_codes_suffix_uq ON sms_codes (user_id, token_suffix);
CREATE INDEX sms_codes_latest_idx ON sms_codes (user_id, purpose, created_at);
