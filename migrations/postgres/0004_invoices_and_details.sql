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

CREATE FUNCTION refuse_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'document_immutable: an issued document never changes; issue a credit note';
END;
$$;

CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents FOR EACH ROW
WHEN (NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
    OR NEW.kind IS DISTINCT FROM OLD.kind
    OR NEW.number IS DISTINCT FROM OLD.number
    OR NEW.series_year IS DISTINCT FROM OLD.series_year
    OR NEW.seq IS DISTINCT FROM OLD.seq
    OR NEW.corrects_id IS DISTINCT FROM OLD.corrects_id
    OR NEW.subscription_id IS DISTINCT FROM OLD.subscription_id
    OR NEW.issue_date IS DISTINCT FROM OLD.issue_date
    OR NEW.due_date IS DISTINCT FROM OLD.due_date
    OR NEW.currency IS DISTINCT FROM OLD.currency
    OR NEW.subtotal_minor IS DISTINCT FROM OLD.subtotal_minor
    OR NEW.vat_minor IS DISTINCT FROM OLD.vat_minor
    OR NEW.total_minor IS DISTINCT FROM OLD.total_minor
    OR NEW.credit_applied_minor IS DISTINCT FROM OLD.credit_applied_minor
    OR NEW.amount_due_minor IS DISTINCT FROM OLD.amount_due_minor
    OR NEW.vat_note IS DISTINCT FROM OLD.vat_note
    OR NEW.buyer IS DISTINCT FROM OLD.buyer
    OR NEW.ocr IS DISTINCT FROM OLD.ocr
    OR NEW.created_at IS DISTINCT FROM OLD.created_at
    OR (OLD.status <> 'pending' AND NEW.status IS DISTINCT FROM OLD.status))
EXECUTE FUNCTION refuse_document_change();

CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents FOR EACH ROW
EXECUTE FUNCTION refuse_document_change();

CREATE TRIGGER document_lines_immutable BEFORE UPDATE ON document_lines FOR EACH ROW
EXECUTE FUNCTION refuse_document_change();

CREATE TRIGGER document_lines_never_deleted BEFORE DELETE ON document_lines FOR EACH ROW
EXECUTE FUNCTION refuse_document_change();

CREATE TRIGGER document_vat_immutable BEFORE UPDATE ON document_vat FOR EACH ROW
EXECUTE FUNCTION refuse_document_change();

CREATE TRIGGER document_vat_never_deleted BEFORE DELETE ON document_vat FOR EACH ROW
EXECUTE FUNCTION refuse_document_change();
