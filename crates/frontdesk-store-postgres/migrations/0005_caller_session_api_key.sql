-- The MCP key that opened each caller session, so that revoking the key ends its sessions at
-- once. Sessions opened before this migration have none and end when they expire.
ALTER TABLE caller_sessions ADD COLUMN api_key_id BIGINT
    CONSTRAINT caller_sessions_api_key_fk REFERENCES api_keys (id) ON DELETE SET NULL;
CREATE INDEX caller_sessions_api_key ON caller_sessions (api_key_id) WHERE api_key_id IS NOT NULL;
