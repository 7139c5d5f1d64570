-- Payments read from Bankgirot's BgMax files (R-PAY-3): each once, by where
-- it stands (receiving bankgiro, payment date, deposit serial, place in the
-- deposit, BGC's serial number: Bankgirot's own example file repeats a BGC
-- serial number within one deposit), matched by its OCR reference to an invoice
-- (then `payment_id` is the settlement ledger's payment), or kept without
-- one for an operator to match by hand.
CREATE TABLE bank_payments (
    id INTEGER PRIMARY KEY,
    import_key TEXT NOT NULL UNIQUE,
    bgc_serial TEXT NOT NULL,
    deposit_date TEXT NOT NULL,
    deduction INTEGER NOT NULL CHECK (deduction IN (0, 1)),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    reference TEXT NOT NULL,
    payer TEXT,
    payment_id BIGINT REFERENCES payments (id),
    created_at TEXT NOT NULL
);
CREATE INDEX bank_payments_unmatched ON bank_payments (payment_id);
CREATE INDEX documents_by_ocr ON documents (ocr);
