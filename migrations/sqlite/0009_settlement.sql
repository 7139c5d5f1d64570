-- One settlement ledger (R-PAY-1…4): money received is a payment; what
-- settles an invoice — a payment or a credit note — is an allocation to
-- it. An invoice's amount due is what was due at issue (after the account
-- balance it used) less its allocations; whether it is paid follows from
-- that. The stored status is only ever 'pending' (open) or 'void'.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    method TEXT NOT NULL CHECK (method IN ('card', 'paypal', 'bank')),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    received_on TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX payments_by_org ON payments (organisation_id);

CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    invoice_id BIGINT NOT NULL REFERENCES documents (id),
    payment_id BIGINT REFERENCES payments (id),
    credit_note_id BIGINT REFERENCES documents (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    created_at TEXT NOT NULL,
    CHECK ((payment_id IS NULL) <> (credit_note_id IS NULL))
);
CREATE INDEX allocations_by_invoice ON allocations (invoice_id);

CREATE TRIGGER payments_append_only BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER payments_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER allocations_append_only BEFORE UPDATE ON allocations
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER allocations_never_deleted BEFORE DELETE ON allocations
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;

-- Invoices stored as paid before the ledger existed were paid in full by
-- the organisation's method of the time: each becomes a payment with its
-- allocation, and the stored status goes back to open.
INSERT INTO payments (organisation_id, method, amount_minor, currency, received_on, reference, created_at)
SELECT d.organisation_id,
       CASE o.payment_method WHEN 'card' THEN 'card' WHEN 'paypal' THEN 'paypal' ELSE 'bank' END,
       d.amount_due_minor, d.currency, d.issue_date, 'before the ledger: ' || d.number, d.created_at
FROM documents d JOIN organisations o ON o.id = d.organisation_id
WHERE d.status = 'paid' AND d.kind = 'invoice' AND d.amount_due_minor > 0;
INSERT INTO allocations (organisation_id, invoice_id, payment_id, amount_minor, created_at)
SELECT d.organisation_id, d.id, p.id, d.amount_due_minor, d.created_at
FROM documents d JOIN payments p ON p.reference = 'before the ledger: ' || d.number AND p.organisation_id = d.organisation_id
WHERE d.status = 'paid' AND d.kind = 'invoice' AND d.amount_due_minor > 0;
DROP TRIGGER documents_immutable;
UPDATE documents SET status = 'pending' WHERE status = 'paid';
-- From now on a document's one change is from open to void.
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
    OR (NEW.status IS NOT OLD.status AND (OLD.status <> 'pending' OR NEW.status <> 'void'))
BEGIN
    SELECT RAISE(ABORT, 'document_immutable: an issued document never changes; issue a credit note');
END;
