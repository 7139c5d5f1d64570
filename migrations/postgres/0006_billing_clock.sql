-- The billing clock (R-OPS-2): each period boundary of a subscription is
-- carried out once. The key (subscription, boundary) makes a second run,
-- a second server or a restarted one find the boundary done.
CREATE TABLE period_transitions (
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    boundary TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('renewed', 'ended', 'contract', 'instalment')),
    document_id BIGINT REFERENCES documents (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (subscription_id, boundary)
);

-- Subscriptions whose period has ended, found without a scan.
CREATE INDEX subscriptions_by_period_end ON subscriptions (period_end);
