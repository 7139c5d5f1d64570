-- The outbox carries more than the copy of a document: the reminder when
-- an invoice is overdue (R-OPS-2), once per document, is a second kind.
-- SQLite cannot drop a column's UNIQUE, so the table is rebuilt.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('copy', 'reminder')),
    recipient TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO outbox_new (id, document_id, organisation_id, kind, recipient, status, attempts, next_attempt_at,
                        claimed_at, sent_at, last_error, created_at)
SELECT id, document_id, organisation_id, 'copy', recipient, status, attempts, next_attempt_at,
       claimed_at, sent_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX one_mail_per_document_and_kind ON outbox (document_id, kind);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- Invoices still owed, by due date: what the clock's reminder looks for.
CREATE INDEX documents_owed_by_due_date ON documents (due_date) WHERE status = 'pending';
