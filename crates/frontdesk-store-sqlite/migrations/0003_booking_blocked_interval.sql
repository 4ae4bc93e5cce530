-- The time a booking keeps its staff member busy: from its start minus the service's buffer
-- before to its end plus the buffer after. Stored per booking so that a staff clash is judged
-- on both bookings' buffers, whichever was made first.
ALTER TABLE bookings ADD COLUMN blocked_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN blocked_to INTEGER NOT NULL DEFAULT 0;
UPDATE bookings SET
    blocked_from = starts_at - 60 * COALESCE(
        (SELECT MAX(s.buffer_before_minutes, 0) FROM services s WHERE s.id = bookings.service_id), 0),
    blocked_to = ends_at + 60 * COALESCE(
        (SELECT MAX(s.buffer_after_minutes, 0) FROM services s WHERE s.id = bookings.service_id), 0);
CREATE INDEX bookings_staff_blocked ON bookings (staff_id, blocked_from) WHERE status = 'confirmed';
