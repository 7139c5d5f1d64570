-- Handing over the billing owner's role (R-ACC-5) e-mails both people: an
-- outbox message need not carry a document, and one composed when it was
-- queued keeps its subject and body. SQLite cannot change a CHECK or drop
-- a NOT NULL, so the table is rebuilt.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    document_id BIGINT REFERENCES documents (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('copy', 'reminder', 'payment_failed', 'owner_changed')),
    recipient TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    CHECK (document_id IS NOT NULL OR (subject IS NOT NULL AND body IS NOT NULL))
);
INSERT INTO outbox_new (id, document_id, organisation_id, kind, recipient, status, attempts, next_attempt_at,
                        claimed_at, sent_at, last_error, created_at)
SELECT id, document_id, organisation_id, kind, recipient, status, attempts, next_attempt_at,
       claimed_at, sent_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX one_mail_per_document_and_kind ON outbox (document_id, kind);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- The billing owner's membership is never deleted: there is always one
-- owner (the handover moves the role in one transaction).
CREATE TRIGGER billing_owner_not_deleted BEFORE DELETE ON memberships
WHEN OLD.is_billing_owner = 1
BEGIN
    SELECT RAISE(ABORT, 'the billing owner''s membership is not deleted');
END;
