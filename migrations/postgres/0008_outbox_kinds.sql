-- The outbox carries more than the copy of a document: the reminder when
-- an invoice is overdue (R-OPS-2), once per document, is a second kind.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('copy', 'reminder'));
ALTER TABLE outbox DROP CONSTRAINT outbox_document_id_key;
CREATE UNIQUE INDEX one_mail_per_document_and_kind ON outbox (document_id, kind);
-- Invoices still owed, by due date: what the clock's reminder looks for.
CREATE INDEX documents_owed_by_due_date ON documents (due_date) WHERE status = 'pending';
