-- frontdesk schema for SQLite.
--
-- Instants are INTEGER Unix seconds; structured values (schedules, exceptions, attributes,
-- policies, preferences, call analysis) are JSON text; enums are their text forms.
-- Every row belongs to a company and goes when its company goes (ON DELETE CASCADE). Inside
-- a company, references are composite (company_id, id) so a row can never point at another
-- company's branch, service, customer or member; deleting something a booking still points
-- at is refused (NO ACTION), because the booking history must not vanish silently.
-- AUTOINCREMENT: ids are handed to callers and external systems and must never be reused.

CREATE TABLE companies (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    time_zone     TEXT    NOT NULL,
    language      TEXT    NOT NULL,
    phone_region  TEXT    NOT NULL,
    address       TEXT,
    policy        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    time_zone   TEXT,
    address     TEXT,
    exceptions  TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (company_id, name),
    UNIQUE (company_id, id)
);

-- A number routes a call to exactly one branch, whatever the company.
CREATE TABLE branch_phone_numbers (
    phone      TEXT    PRIMARY KEY,
    branch_id  INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL
);
CREATE INDEX branch_phone_numbers_branch ON branch_phone_numbers (branch_id, position);

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    -- Not composite: a closed branch leaves its staff without a branch (SET NULL).
    branch_id   INTEGER REFERENCES branches (id) ON DELETE SET NULL,
    name        TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (company_id, name),
    UNIQUE (company_id, id)
);

CREATE TABLE services (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id             INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    branch_id              INTEGER NOT NULL,
    code                   TEXT    NOT NULL,
    name                   TEXT    NOT NULL,
    description            TEXT,
    duration_minutes       INTEGER NOT NULL,
    capacity               INTEGER NOT NULL,
    buffer_before_minutes  INTEGER NOT NULL DEFAULT 0,
    buffer_after_minutes   INTEGER NOT NULL DEFAULT 0,
    price_cents            INTEGER,
    currency               TEXT,
    attributes             TEXT    NOT NULL DEFAULT '{}',
    schedule               TEXT    NOT NULL,
    exceptions             TEXT    NOT NULL DEFAULT '[]',
    active                 INTEGER NOT NULL DEFAULT 1,
    UNIQUE (company_id, code),
    UNIQUE (company_id, id),
    FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id) ON DELETE CASCADE
);
CREATE INDEX services_branch ON services (branch_id);

CREATE TABLE service_staff (
    service_id  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    staff_id    INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (service_id, staff_id)
);
CREATE INDEX service_staff_staff ON service_staff (staff_id);

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id          INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    phone               TEXT    NOT NULL,
    name                TEXT,
    email               TEXT,
    has_linked_account  INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (company_id, phone),
    UNIQUE (company_id, id)
);

CREATE TABLE members (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id           INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    customer_id          INTEGER NOT NULL,
    name                 TEXT    NOT NULL,
    level                TEXT,
    max_active_bookings  INTEGER,
    relationship         TEXT,
    UNIQUE (customer_id, name),
    UNIQUE (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id) ON DELETE CASCADE
);

CREATE TABLE member_preferences (
    member_id    INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    preferences  TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE bookings (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id           INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    branch_id            INTEGER NOT NULL,
    service_id           INTEGER NOT NULL,
    staff_id             INTEGER,
    customer_id          INTEGER NOT NULL,
    member_id            INTEGER,
    starts_at            INTEGER NOT NULL,
    ends_at              INTEGER NOT NULL,
    status               TEXT    NOT NULL,
    voucher_code         TEXT    NOT NULL,
    source               TEXT    NOT NULL,
    idempotency_key      TEXT,
    -- The voice platform's id, not a calls.id: a booking may be made before the call is stored.
    call_id              TEXT,
    notes                TEXT,
    cancellation_reason  TEXT,
    cancelled_at         INTEGER,
    refund_applicable    INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id),
    FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id),
    FOREIGN KEY (company_id, staff_id) REFERENCES staff (company_id, id),
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id)
);
CREATE INDEX bookings_slot ON bookings (service_id, starts_at, status);
CREATE INDEX bookings_staff ON bookings (staff_id, starts_at);
CREATE INDEX bookings_member ON bookings (member_id, status, ends_at);
CREATE INDEX bookings_customer ON bookings (customer_id, starts_at);
CREATE UNIQUE INDEX bookings_voucher ON bookings (company_id, voucher_code);
CREATE UNIQUE INDEX bookings_idempotency ON bookings (company_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE booking_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    booking_id  INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '{}',
    at          INTEGER NOT NULL
);
CREATE INDEX booking_events_booking ON booking_events (booking_id, id);

CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id         INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    provider           TEXT    NOT NULL,
    external_id        TEXT    NOT NULL,
    agent_id           TEXT,
    from_number        TEXT,
    to_number          TEXT,
    direction          TEXT,
    status             TEXT,
    started_at         INTEGER,
    ended_at           INTEGER,
    transcript         TEXT,
    analysis           TEXT,
    dynamic_variables  TEXT,
    -- A call record outlives the customer or booking it mentions.
    customer_id        INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    booking_id         INTEGER REFERENCES bookings (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (provider, external_id)
);
CREATE INDEX calls_company ON calls (company_id);
CREATE INDEX calls_customer ON calls (customer_id);
CREATE INDEX calls_booking ON calls (booking_id);

-- Webhook deliveries are retried; one row per handled (call, event) makes handling idempotent.
CREATE TABLE call_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id  INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    event    TEXT    NOT NULL,
    at       INTEGER NOT NULL,
    UNIQUE (call_id, event)
);

CREATE TABLE agents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    provider     TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    name         TEXT,
    llm_id       TEXT,
    webhook_url  TEXT,
    UNIQUE (provider, external_id)
);
CREATE INDEX agents_company ON agents (company_id);

CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id    INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    name          TEXT,
    prefix        TEXT    NOT NULL,
    hash          TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    last_used_at  INTEGER
);
CREATE INDEX api_keys_company ON api_keys (company_id);

CREATE TABLE caller_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    phone        TEXT    NOT NULL,
    customer_id  INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX caller_sessions_expires ON caller_sessions (expires_at);
CREATE INDEX caller_sessions_revoked ON caller_sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX caller_sessions_customer ON caller_sessions (customer_id);
