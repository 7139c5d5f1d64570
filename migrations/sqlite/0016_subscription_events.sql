-- A subscription's history (R-UI-2): one row per change, on the
-- organisation's day the change was made (the request's or the clock's
-- "now", never the wall clock), the change itself as JSON
-- (domain::subscription::HistoryEvent).
CREATE TABLE subscription_events (
    id INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id),
    on_day TEXT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX subscription_events_by_subscription ON subscription_events (subscription_id, id);
