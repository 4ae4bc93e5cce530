-- The operator console (issue 15): the people at a business who log in, their server-side
-- sessions, and the tool calls a voice agent made during each call.
--
-- Same conventions as 0001: INTEGER Unix seconds, JSON as text, everything cascades from
-- its company.

-- An operator's e-mail is the login, so it is unique across the server, not per company. The
-- engine lower-cases it before it gets here. Only an argon2id PHC string of the password is
-- stored. A disabled operator keeps the row (who did what stays readable).
CREATE TABLE operators (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id     INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    email          TEXT    NOT NULL UNIQUE,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'staff')),
    password_hash  TEXT    NOT NULL,
    -- NULL: the business's language.
    language       TEXT,
    created_at     INTEGER NOT NULL,
    disabled_at    INTEGER
);
CREATE INDEX operators_company ON operators (company_id);

-- Only the SHA-256 hex of the cookie's token is stored; the CSRF token is not a secret from
-- the operator, so it is stored as it is.
CREATE TABLE operator_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    operator_id  INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);

-- Keyed by the platform's call id, not calls.id: a tool is called while the call is going on,
-- before the call's webhook has stored it (as bookings.call_id).
CREATE TABLE call_tool_calls (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id        INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    provider          TEXT    NOT NULL,
    call_external_id  TEXT    NOT NULL,
    tool              TEXT    NOT NULL,
    arguments         TEXT    NOT NULL,
    result            TEXT    NOT NULL,
    error_code        TEXT,
    at                INTEGER NOT NULL
);
CREATE INDEX call_tool_calls_call ON call_tool_calls (company_id, provider, call_external_id, id);

-- The console lists a company's calls newest first, a page at a time.
CREATE INDEX calls_company_created ON calls (company_id, created_at, id);
