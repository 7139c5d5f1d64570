-- An operator reverses a bank payment matched to the wrong invoice (R-PAY-3,
-- R-PAY-5). Payments and allocations never change, so a reversal is an entry
-- of its own: it takes back what the payment allocated to its invoice (which
-- then owes it again: documents' DUE adds it back) and what went to the
-- account balance (a negative balance entry), and counts against the money
-- received (the SIE export books it as the payment's voucher reversed). The
-- bank payment waits again for matching by hand. Once per payment.
CREATE TABLE payment_reversals (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    payment_id INTEGER NOT NULL UNIQUE REFERENCES payments (id),
    invoice_id INTEGER REFERENCES documents (id),
    allocated_minor INTEGER NOT NULL CHECK (allocated_minor >= 0),
    to_balance_minor INTEGER NOT NULL CHECK (to_balance_minor >= 0),
    currency TEXT NOT NULL,
    reversed_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX payment_reversals_by_invoice ON payment_reversals (invoice_id);
CREATE TRIGGER payment_reversals_no_update BEFORE UPDATE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER payment_reversals_no_delete BEFORE DELETE ON payment_reversals
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
