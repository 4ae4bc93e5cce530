-- Calendar feeds (issue 13): the iCalendar SEQUENCE of each booking, and the secret feed URLs
-- of a branch or a staff member.
--
-- bookings.sequence is RFC 5545's SEQUENCE: raised by one by each reschedule and by the
-- cancellation, in the same UPDATE, so a calendar that already holds the event replaces it.
ALTER TABLE bookings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- A feed shows the bookings of exactly one branch or one staff member. Only the SHA-256 hex
-- of its token is stored (the token is shown once, like an API key). A revoked feed keeps
-- its row, so `ical list` shows when it was revoked.
CREATE TABLE calendar_feeds (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    branch_id   INTEGER,
    staff_id    INTEGER,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER,
    CHECK ((branch_id IS NULL) <> (staff_id IS NULL)),
    FOREIGN KEY (company_id, branch_id) REFERENCES branches (company_id, id) ON DELETE CASCADE,
    FOREIGN KEY (company_id, staff_id) REFERENCES staff (company_id, id) ON DELETE CASCADE
);
CREATE INDEX calendar_feeds_company ON calendar_feeds (company_id, id);
-- A branch's feed reads its bookings by start time.
CREATE INDEX bookings_branch ON bookings (branch_id, starts_at);
