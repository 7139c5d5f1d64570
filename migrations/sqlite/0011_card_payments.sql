-- Card and PayPal payments (R-PAY-1, R-PAY-2). The organisation keeps the
-- provider's token for its card or PayPal billing agreement, and what may
-- be shown of it (brand, last four digits, expiry; the PayPal account);
-- never a card number. Every charge of an invoice is an attempt, keyed by
-- the invoice and its attempt number: that key is also the provider's
-- idempotency key, so a retried request or a second server never charges
-- twice. A payment says by what it was paid ("Visa •••• 4242").
ALTER TABLE organisations ADD COLUMN payment_token TEXT;
ALTER TABLE organisations ADD COLUMN card_exp_month INTEGER;
ALTER TABLE organisations ADD COLUMN card_exp_year INTEGER;
ALTER TABLE organisations ADD COLUMN paypal_email TEXT;
ALTER TABLE payments ADD COLUMN instrument TEXT;

CREATE TABLE payment_attempts (
    id INTEGER PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    invoice_id BIGINT NOT NULL REFERENCES documents (id),
    attempt BIGINT NOT NULL CHECK (attempt >= 1),
    idempotency_key TEXT NOT NULL UNIQUE,
    occasion TEXT NOT NULL CHECK (occasion IN ('issue', 'retry', 'customer')),
    instrument TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    attempted_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'declined')),
    decline_code TEXT,
    payment_id BIGINT REFERENCES payments (id),
    created_at TEXT NOT NULL,
    UNIQUE (invoice_id, attempt),
    CHECK ((outcome = 'succeeded') = (payment_id IS NOT NULL))
);
CREATE INDEX payment_attempts_by_org ON payment_attempts (organisation_id);
CREATE TRIGGER payment_attempts_append_only_update BEFORE UPDATE ON payment_attempts
BEGIN SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry'); END;
CREATE TRIGGER payment_attempts_append_only_delete BEFORE DELETE ON payment_attempts
BEGIN SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry'); END;

-- A PayPal approval in progress: the customer is sent to PayPal with its
-- token and comes back to confirm or cancel it.
CREATE TABLE paypal_approvals (
    token TEXT PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    finished_at TEXT
);

-- The e-mail to the billing owner when a charge of an invoice fails is a
-- third kind of outbox message (once per invoice); SQLite cannot change a
-- CHECK, so the table is rebuilt.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL DEFAULT 'copy' CHECK (kind IN ('copy', 'reminder', 'payment_failed')),
    recipient TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO outbox_new SELECT id, document_id, organisation_id, kind, recipient, status, attempts, next_attempt_at,
       claimed_at, sent_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE UNIQUE INDEX one_mail_per_document_and_kind ON outbox (document_id, kind);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
