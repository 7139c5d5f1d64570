-- The copy of each issued document to the customer (R-INV-7): one row per
-- document, queued in the issuing transaction and delivered by a task.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL UNIQUE REFERENCES documents (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    recipient TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
