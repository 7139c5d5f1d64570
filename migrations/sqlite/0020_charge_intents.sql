-- Charging never holds the write lock, and an unknown outcome is never a
-- decline (R-PAY-2, R-PAY-4). A charge is first recorded here and
-- committed (the organisation's lock is let go), the provider is called
-- outside any transaction with the intent's idempotency key, and the
-- outcome is recorded after as the invoice's attempt (payment_attempts)
-- and the intent marked resolved. An intent left open (a timeout, a crash,
-- a recording that failed) is resolved by asking the provider again with
-- the same key before the invoice is charged anew: the provider answers
-- what it did the first time, so nothing is charged twice.
CREATE TABLE charge_intents (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    invoice_id INTEGER NOT NULL REFERENCES documents (id),
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    idempotency_key TEXT NOT NULL UNIQUE,
    occasion TEXT NOT NULL CHECK (occasion IN ('issue', 'retry', 'customer')),
    instrument TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('card', 'paypal')),
    token TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    attempted_on TEXT NOT NULL,
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (invoice_id, attempt)
);
CREATE UNIQUE INDEX one_open_intent_per_invoice ON charge_intents (invoice_id) WHERE resolved_at IS NULL;
CREATE INDEX open_intents ON charge_intents (resolved_at);
