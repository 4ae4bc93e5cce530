-- The waitlist (issue 14). An entry asks for a place in one service, in a range of dates and
-- optionally a window of start times, weekdays and a staff member; a place that frees up goes
-- to the first matching entry in order of joining, in the transaction that freed it.
-- `kind` 'request' is a caller's join_waitlist (done once booked); 'preference' is a member's
-- standing auto-book preference (it stays, bounded by the member's quota).
CREATE TABLE waitlist_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    customer_id  INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    service_id   INTEGER NOT NULL,
    staff_id     INTEGER,
    first_date   TEXT    NOT NULL,
    last_date    TEXT    NOT NULL,
    -- A place's start must lie in [from_at, to_at): the dates in the business's time zone.
    from_at      INTEGER NOT NULL,
    to_at        INTEGER NOT NULL,
    -- Local 'HH:MM', inclusive; NULL: any time.
    time_from    TEXT,
    time_to      TEXT,
    -- Bit 1 << (ISO weekday - 1); 0: any day.
    weekdays     INTEGER NOT NULL DEFAULT 0,
    auto_book    INTEGER NOT NULL,
    -- waiting, offered, booked, left, lapsed, expired
    status       TEXT    NOT NULL,
    booking_id   INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    FOREIGN KEY (company_id, customer_id) REFERENCES customers (company_id, id),
    FOREIGN KEY (company_id, member_id) REFERENCES members (company_id, id),
    FOREIGN KEY (company_id, service_id) REFERENCES services (company_id, id)
);
CREATE INDEX waitlist_waiting ON waitlist_entries (service_id, status, id);
CREATE INDEX waitlist_member ON waitlist_entries (member_id, status);
CREATE INDEX waitlist_customer ON waitlist_entries (customer_id, id);
CREATE INDEX waitlist_ends ON waitlist_entries (status, to_at);

-- A place held for a waitlist entry (status 'held') until hold_until; the entry it was
-- made for.
ALTER TABLE bookings ADD COLUMN hold_until INTEGER;
ALTER TABLE bookings ADD COLUMN waitlist_entry_id INTEGER;
CREATE INDEX bookings_held ON bookings (hold_until) WHERE status = 'held';
