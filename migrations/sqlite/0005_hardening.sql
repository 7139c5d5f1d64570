-- Hardening (issue 10).
-- A document is written open (sealed = 0), gets its lines and VAT rows,
-- and is sealed in the same transaction; from then on the database refuses
-- new lines or VAT rows for it, and it is never unsealed. Documents issued
-- before this migration are sealed.
ALTER TABLE documents ADD COLUMN sealed INTEGER NOT NULL DEFAULT 1;
-- What each line charges (the domain's line kind as JSON), so a credit
-- note can credit exactly the lines of the invoice it corrects.
ALTER TABLE document_lines ADD COLUMN kind TEXT;

CREATE TRIGGER documents_stay_sealed BEFORE UPDATE OF sealed ON documents
WHEN OLD.sealed = 1 AND NEW.sealed <> 1
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

CREATE TRIGGER document_lines_only_while_open BEFORE INSERT ON document_lines
WHEN (SELECT sealed FROM documents WHERE id = NEW.document_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

CREATE TRIGGER document_vat_only_while_open BEFORE INSERT ON document_vat
WHEN (SELECT sealed FROM documents WHERE id = NEW.document_id) = 1
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

-- The ledgers are append-only: a correction is a new entry.
CREATE TRIGGER balance_entries_append_only BEFORE UPDATE ON balance_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER balance_entries_never_deleted BEFORE DELETE ON balance_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER credit_entries_append_only BEFORE UPDATE ON credit_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER credit_entries_never_deleted BEFORE DELETE ON credit_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
