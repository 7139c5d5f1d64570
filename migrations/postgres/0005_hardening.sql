-- Hardening (issue 10).
-- A document is written open (sealed = 0), gets its lines and VAT rows,
-- and is sealed in the same transaction; from then on the database refuses
-- new lines or VAT rows for it, and it is never unsealed. Documents issued
-- before this migration are sealed.
ALTER TABLE documents ADD COLUMN sealed INTEGER NOT NULL DEFAULT 1;
-- What each line charges (the domain's line kind as JSON), so a credit
-- note can credit exactly the lines of the invoice it corrects.
ALTER TABLE document_lines ADD COLUMN kind TEXT;

CREATE TRIGGER documents_stay_sealed BEFORE UPDATE ON documents FOR EACH ROW
WHEN (OLD.sealed = 1 AND NEW.sealed IS DISTINCT FROM 1)
EXECUTE FUNCTION refuse_document_change();

CREATE FUNCTION refuse_line_of_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT sealed FROM documents WHERE id = NEW.document_id) = 1 THEN
        RAISE EXCEPTION 'document_immutable: an issued document never changes; issue a credit note';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER document_lines_only_while_open BEFORE INSERT ON document_lines
FOR EACH ROW EXECUTE FUNCTION refuse_line_of_sealed();
CREATE TRIGGER document_vat_only_while_open BEFORE INSERT ON document_vat
FOR EACH ROW EXECUTE FUNCTION refuse_line_of_sealed();

-- The ledgers are append-only: a correction is a new entry.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_append_only: ledger entries never change; add a correcting entry';
END;
$$;

CREATE TRIGGER balance_entries_append_only BEFORE UPDATE OR DELETE ON balance_entries
FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER credit_entries_append_only BEFORE UPDATE OR DELETE ON credit_entries
FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
