-- Message delivery (issue 13): each outbox row carries where it is in its delivery.
--
-- status: pending (waiting for its time or a channel), sending (a worker holds it until
-- lease_until; a crashed worker's rows are taken again after that), sent (the provider
-- accepted it, provider_id set), delivered / failed (the provider's status callback, or the
-- last attempt), cancelled (a reminder of a booking that moved or was cancelled).
-- next_attempt_at is when a worker may take it: now for a confirmation, the due time for a
-- reminder, the backoff after a failed attempt. Workers take rows with FOR UPDATE SKIP LOCKED.
ALTER TABLE notifications
    ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN lease_until BIGINT,
    ADD COLUMN provider_id TEXT,
    ADD COLUMN last_error TEXT,
    ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

UPDATE notifications
   SET status = CASE WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END,
       next_attempt_at = created_at,
       updated_at = COALESCE(sent_at, created_at);

DROP INDEX notifications_pending;
DROP INDEX notifications_company_pending;
-- The workers' queue: only rows still to send are indexed, so it stays small.
CREATE INDEX notifications_due ON notifications (next_attempt_at, id)
    WHERE status IN ('pending', 'sending');
CREATE INDEX notifications_company ON notifications (company_id, created_at, id);
-- /metrics counts rows per status at every scrape: from this index, not the table.
CREATE INDEX notifications_status ON notifications (status);
-- A provider's status callback finds its row by the provider's message id.
CREATE UNIQUE INDEX notifications_provider ON notifications (channel, provider_id)
    WHERE provider_id IS NOT NULL;

-- How the company's messages go out (CompanyMessaging as JSON: its SMS sender or Twilio
-- account, the address told of every booking change); its Twilio auth token is a credential,
-- stored encrypted like the Retell key.
ALTER TABLE companies
    ADD COLUMN messaging JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN twilio_auth_token_enc TEXT NULL;
