-- The credit ledger (R-CRD-1…5): grants, and entries that consume or expire
-- them. The balance is always derived from these rows.

CREATE TABLE credit_grants (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('allowance', 'pack', 'goodwill')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    -- What the grant is for: an allowance's month, a pack purchase. Unique,
    -- so granting the same month twice adds nothing.
    source TEXT NOT NULL,
    document_id INTEGER REFERENCES documents (id),
    UNIQUE (organisation_id, source),
    CHECK (granted_at < expires_at)
);
CREATE INDEX grants_by_org ON credit_grants (organisation_id, expires_at);

CREATE TABLE credit_entries (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    grant_id INTEGER NOT NULL REFERENCES credit_grants (id),
    kind TEXT NOT NULL CHECK (kind IN ('consumption', 'expiry')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    event_id TEXT,
    -- The organisation's local day, for the daily usage chart.
    day TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX entries_by_grant ON credit_entries (grant_id);
CREATE INDEX entries_by_org_day ON credit_entries (organisation_id, day);
-- A grant expires once.
CREATE UNIQUE INDEX one_expiry_per_grant ON credit_entries (grant_id) WHERE kind = 'expiry';

-- Usage events by the vendor's event id, with the answer given: the same
-- event again gets the same answer and is charged once.
CREATE TABLE usage_events (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    event_id TEXT NOT NULL,
    cost INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, event_id)
);

-- API keys: shown once, stored as a SHA-256 hash; the prefix finds the row.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
