-- Outbound webhooks (issue 13): a company's endpoints. Their events are outbox rows
-- (channel 'webhook', recipient = the endpoint's id), so retries, statuses and the delivery
-- log come from the outbox. The signing secret is stored encrypted by the engine (it must be
-- read back to sign).
CREATE TABLE webhook_endpoints (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    url          TEXT    NOT NULL,
    -- JSON array of event names; empty: every event.
    events       TEXT    NOT NULL DEFAULT '[]',
    secret_enc   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    disabled_at  INTEGER
);
CREATE INDEX webhook_endpoints_company ON webhook_endpoints (company_id, id);
