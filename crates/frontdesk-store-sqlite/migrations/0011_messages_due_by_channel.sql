-- A worker claims due messages of the channels it delivers. Indexed by due time alone, every
-- claim walked all due messages of channels nobody delivers here (SMS queued while no SMS
-- provider is configured pile up), once per booking that wakes the worker.
CREATE INDEX notifications_due_channel ON notifications (channel, next_attempt_at, id)
    WHERE status IN ('pending', 'sending');
