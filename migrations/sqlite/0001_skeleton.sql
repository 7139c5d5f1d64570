-- People, organisations, catalog and subscriptions (walking skeleton).
-- Money is integer minor units plus a currency code; dates are ISO text
-- (YYYY-MM-DD, local to the organisation); instants are RFC 3339 UTC text.
-- Flags are integers 0/1 so the same queries run on SQLite and PostgreSQL.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT 'SE' CHECK (length(country) = 2),
    currency TEXT NOT NULL DEFAULT 'SEK' CHECK (currency IN ('SEK', 'EUR', 'NOK', 'USD')),
    time_zone TEXT NOT NULL DEFAULT 'Europe/Stockholm',
    partner_name TEXT,
    partner_contact TEXT,
    plan_locked INTEGER NOT NULL DEFAULT 0 CHECK (plan_locked IN (0, 1)),
    manually_billed INTEGER NOT NULL DEFAULT 0 CHECK (manually_billed IN (0, 1)),
    legal_name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    vat_number TEXT,
    invoice_email TEXT,
    payment_method TEXT NOT NULL DEFAULT 'card' CHECK (payment_method IN ('card', 'invoice', 'paypal')),
    card_brand TEXT,
    card_last4 TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER REFERENCES teams (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'custom', 'client', 'comment_only', 'view_only')),
    custom_role_name TEXT,
    is_billing_owner INTEGER NOT NULL DEFAULT 0 CHECK (is_billing_owner IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    UNIQUE (organisation_id, user_id),
    -- The billing owner is always an admin (R-ACC-4).
    CONSTRAINT billing_owner_is_admin CHECK (is_billing_owner = 0 OR (role = 'admin' AND active = 1))
);
-- At most one billing owner per organisation.
CREATE UNIQUE INDEX one_billing_owner ON memberships (organisation_id) WHERE is_billing_owner = 1;

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    rank INTEGER NOT NULL,
    features TEXT NOT NULL,
    limits TEXT NOT NULL,
    monthly_credits INTEGER NOT NULL CHECK (monthly_credits >= 0),
    packs_allowed INTEGER NOT NULL CHECK (packs_allowed IN (0, 1)),
    trial_days INTEGER
);

-- Price versions are immutable; a new list price is a new row (R-CAT-3).
CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL,
    currency TEXT NOT NULL,
    billing_interval TEXT NOT NULL CHECK (billing_interval IN ('monthly', 'annual')),
    flat_minor INTEGER NOT NULL CHECK (flat_minor >= 0),
    per_seat_minor INTEGER NOT NULL CHECK (per_seat_minor >= 0),
    min_seats INTEGER NOT NULL CHECK (min_seats >= 0),
    seat_step INTEGER NOT NULL DEFAULT 1 CHECK (seat_step >= 1),
    is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (plan_id, currency, billing_interval, version)
);
CREATE UNIQUE INDEX one_current_price ON prices (plan_id, currency, billing_interval) WHERE is_current = 1;

CREATE TABLE credit_packs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    credits INTEGER NOT NULL CHECK (credits > 0),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL,
    validity_months INTEGER NOT NULL CHECK (validity_months > 0)
);

CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    team_id INTEGER REFERENCES teams (id),
    price_id INTEGER NOT NULL REFERENCES prices (id),
    seats INTEGER NOT NULL CHECK (seats >= 0),
    anchor TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled')),
    commitment_end TEXT,
    auto_renew INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0, 1)),
    scheduled_price_id INTEGER REFERENCES prices (id),
    scheduled_seats INTEGER,
    trial_price_id INTEGER REFERENCES prices (id),
    trial_started TEXT,
    trial_ends TEXT,
    created_at TEXT NOT NULL,
    CHECK (period_start < period_end),
    CHECK ((scheduled_price_id IS NULL) = (scheduled_seats IS NULL))
);
-- One live subscription per scope (the organisation, or one team).
CREATE UNIQUE INDEX one_live_subscription ON subscriptions (organisation_id, COALESCE(team_id, 0)) WHERE status <> 'canceled';

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL UNIQUE REFERENCES organisations (id),
    start_date TEXT NOT NULL,
    years INTEGER NOT NULL CHECK (years BETWEEN 1 AND 3),
    annual_price_minor INTEGER NOT NULL CHECK (annual_price_minor >= 0),
    currency TEXT NOT NULL,
    volume_discount TEXT NOT NULL,
    seat_tier INTEGER NOT NULL CHECK (seat_tier > 0),
    schedule TEXT NOT NULL CHECK (schedule IN ('annual', 'quarterly', 'custom')),
    custom_schedule TEXT
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expiry_date INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);

-- Failed logins per e-mail, to slow down password guessing.
CREATE TABLE login_failures (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);
