-- Invoices and credit notes with gapless numbers, account balance, seat
-- additions waiting for the next invoice, trials used, the audit log and
-- idempotency keys for money-moving requests.

-- Every billing write on an organisation first bumps this, which takes the
-- row lock on PostgreSQL (and the write lock on SQLite): writes on one
-- organisation run one after the other.
ALTER TABLE organisations ADD COLUMN lock_version INTEGER NOT NULL DEFAULT 0;

-- The last number used per series and year; taken inside the transaction
-- that issues the document, so a rolled-back document leaves no gap.
CREATE TABLE document_series (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (series, year)
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    number TEXT NOT NULL UNIQUE,
    series_year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    corrects_id INTEGER REFERENCES documents (id),
    subscription_id INTEGER REFERENCES subscriptions (id),
    issue_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'void')),
    currency TEXT NOT NULL,
    subtotal_minor INTEGER NOT NULL,
    vat_minor INTEGER NOT NULL,
    total_minor INTEGER NOT NULL,
    credit_applied_minor INTEGER NOT NULL,
    amount_due_minor INTEGER NOT NULL,
    vat_note TEXT,
    buyer TEXT NOT NULL,
    ocr TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (kind, series_year, seq),
    CHECK (amount_due_minor = total_minor - credit_applied_minor),
    CHECK (total_minor = subtotal_minor + vat_minor)
);
CREATE INDEX documents_by_org ON documents (organisation_id, id);

CREATE TABLE document_lines (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    quantity INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    vat_rate TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (document_id, position)
);

CREATE TABLE document_vat (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    rate TEXT NOT NULL,
    base_minor INTEGER NOT NULL,
    vat_minor INTEGER NOT NULL,
    PRIMARY KEY (document_id, rate)
);

-- The account credit balance is the sum of its entries, never a stored number.
CREATE TABLE balance_entries (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    document_id INTEGER REFERENCES documents (id),
    created_at TEXT NOT NULL
);
CREATE INDEX balance_by_org ON balance_entries (organisation_id);

-- Lines owed for the running period (seats added), billed on the next invoice.
CREATE TABLE pending_lines (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    line TEXT NOT NULL,
    created_at TEXT NOT NULL,
    billed_document_id INTEGER REFERENCES documents (id)
);

CREATE TABLE trials_used (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    started TEXT NOT NULL,
    PRIMARY KEY (organisation_id, plan_id)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER REFERENCES organisations (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX audit_by_org ON audit_log (organisation_id, id);

-- A money-moving request's key and its answer: a repeat gets the answer.
CREATE TABLE idempotency_keys (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    action TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, key)
);
