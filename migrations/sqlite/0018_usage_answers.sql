-- A usage event's answer as columns (R-CRD-4): the cost and the balance
-- after it, instead of a JSON copy of both. Consumption is written to the
-- credit ledger once per grant and batch from now on, so this table is the
-- one per-event record: its rows are numbered in arrival order (history
-- ties) and never change. Rebuilt, since SQLite cannot add a primary key.
CREATE TABLE usage_events_by_arrival (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    event_id TEXT NOT NULL,
    cost INTEGER NOT NULL,
    balance INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (organisation_id, event_id)
);
INSERT INTO usage_events_by_arrival (id, organisation_id, event_id, cost, balance, created_at)
SELECT rowid, organisation_id, event_id, cost, CAST(json_extract(response, '$.balance') AS INTEGER), created_at
FROM usage_events ORDER BY rowid;
DROP TABLE usage_events;
ALTER TABLE usage_events_by_arrival RENAME TO usage_events;

CREATE TRIGGER usage_events_append_only BEFORE UPDATE ON usage_events
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
CREATE TRIGGER usage_events_never_deleted BEFORE DELETE ON usage_events
BEGIN
    SELECT RAISE(ABORT, 'ledger_append_only: ledger entries never change; add a correcting entry');
END;
