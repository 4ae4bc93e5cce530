-- The time a booking keeps its staff member busy: from its start minus the service's buffer
-- before to its end plus the buffer after. Stored per booking so that a staff clash is judged
-- on both bookings' buffers, whichever was made first.
ALTER TABLE bookings ADD COLUMN blocked_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN blocked_to BIGINT NOT NULL DEFAULT 0;
UPDATE bookings b SET
    blocked_from = b.starts_at - 60 * GREATEST(s.buffer_before_minutes, 0),
    blocked_to = b.ends_at + 60 * GREATEST(s.buffer_after_minutes, 0)
FROM services s WHERE s.id = b.service_id;
CREATE INDEX bookings_staff_blocked ON bookings (staff_id, blocked_from) WHERE status = 'confirmed';
