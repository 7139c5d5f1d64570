-- Invoices and credit notes (R-INV-1..3) and billing details (R-UI-6).
-- Billing details get a structured address. Issued documents are immutable:
-- the database itself refuses any change to a document's number, dates,
-- buyer, amounts, lines or VAT rows, and any deletion. The one change it
-- allows is the status of a pending document (paid or void).

ALTER TABLE organisations ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN city TEXT NOT NULL DEFAULT '';

-- The invoice list: one organisation's documents, newest first.
DROP INDEX documents_by_org;
CREATE INDEX documents_by_org_date ON documents (organisation_id, issue_date, id);
CREATE INDEX documents_by_corrected ON documents (corrects_id);

CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents
WHEN NEW.organisation_id IS NOT OLD.organisation_id
    OR NEW.kind IS NOT OLD.kind
    OR NEW.number IS NOT OLD.number
    OR NEW.series_year IS NOT OLD.series_year
    OR NEW.seq IS NOT OLD.seq
    OR NEW.corrects_id IS NOT OLD.corrects_id
    OR NEW.subscription_id IS NOT OLD.subscription_id
    OR NEW.issue_date IS NOT OLD.issue_date
    OR NEW.due_date IS NOT OLD.due_date
    OR NEW.currency IS NOT OLD.currency
    OR NEW.subtotal_minor IS NOT OLD.subtotal_minor
    OR NEW.vat_minor IS NOT OLD.vat_minor
    OR NEW.total_minor IS NOT OLD.total_minor
    OR NEW.credit_applied_minor IS NOT OLD.credit_applied_minor
    OR NEW.amount_due_minor IS NOT OLD.amount_due_minor
    OR NEW.vat_note IS NOT OLD.vat_note
    OR NEW.buyer IS NOT OLD.buyer
    OR NEW.ocr IS NOT OLD.ocr
    OR NEW.created_at IS NOT OLD.created_at
    OR (OLD.status <> 'pending' AND NEW.status IS NOT OLD.status)
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document is never deleted');
END;

CREATE TRIGGER document_lines_immutable BEFORE UPDATE ON document_lines
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

CREATE TRIGGER document_lines_never_deleted BEFORE DELETE ON document_lines
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document is never deleted');
END;

CREATE TRIGGER document_vat_immutable BEFORE UPDATE ON document_vat
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;

CREATE TRIGGER document_vat_never_deleted BEFORE DELETE ON document_vat
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document is never deleted');
END;
