-- Company voice-platform credentials, the notification outbox and prompt templates.
--
-- Same conventions as 0001: INTEGER Unix seconds, JSON as text, everything cascades from
-- its company, and references inside a company are composite (company_id, id).

-- The Retell API key is stored encrypted by the engine (it must be read back); the Vapi
-- secret only as a hash (it is only compared). Both stay NULL until a company connects.
-- ALTER TABLE cannot add a UNIQUE column in SQLite: uniqueness is the index below.
ALTER TABLE companies ADD COLUMN retell_api_key_enc TEXT NULL;
ALTER TABLE companies ADD COLUMN vapi_secret_hash TEXT NULL;
ALTER TABLE companies ADD COLUMN credentials_updated_at INTEGER NULL;
-- A Vapi webhook is routed to its company by the secret's hash, so a hash names one company.
CREATE UNIQUE INDEX companies_vapi_secret_hash ON companies (vapi_secret_hash)
    WHERE vapi_secret_hash IS NOT NULL;

-- The parent key of the composite reference from notifications (a foreign key needs a
-- UNIQUE index on exactly the columns it references).
CREATE UNIQUE INDEX bookings_company_id ON bookings (company_id, id);

-- Messages for a delivery worker (the outbox): written by the engine next to the booking
-- change they announce, read and marked sent by the worker.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    booking_id  INTEGER,
    kind        TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    -- A message about a booking goes with the booking; NULL booking_id is not checked.
    FOREIGN KEY (company_id, booking_id) REFERENCES bookings (company_id, id) ON DELETE CASCADE
);
-- Only unsent rows are indexed: the worker's queue stays small however long the history.
CREATE INDEX notifications_pending ON notifications (created_at, id) WHERE sent_at IS NULL;
CREATE INDEX notifications_company_pending ON notifications (company_id, created_at, id)
    WHERE sent_at IS NULL;
CREATE INDEX notifications_booking ON notifications (booking_id);

-- The voice agent's prompt per (company, branch, language); branch_id NULL is the template
-- for every branch of the company. NULLs never collide in a UNIQUE index, so the
-- company-wide template has its own partial index instead of one UNIQUE over all three.
CREATE TABLE prompt_templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    branch_id   INTEGER,
    language    TEXT    NOT NULL,
    template    TEXT    NOT NULL,
    updated_at  INTEGER NOT NULL,
    FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX prompt_templates_branch ON prompt_templates (company_id, branch_id, language)
    WHERE branch_id IS NOT NULL;
CREATE UNIQUE INDEX prompt_templates_company ON prompt_templates (company_id, language)
    WHERE branch_id IS NULL;
