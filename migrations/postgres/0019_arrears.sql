-- Arrears whatever the payment method (R-PAY-2): an invoice still owed a
-- number of days after its due date makes the organisation past due, as a
-- declined charge does. The billing clock marks each such invoice once;
-- the mark is where the organisation's dunning starts when it pays by
-- bank transfer, and past due clears when no declined or marked invoice is
-- owed any more.
CREATE TABLE overdue_marks (
    invoice_id BIGINT PRIMARY KEY REFERENCES documents (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    marked_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX overdue_marks_by_org ON overdue_marks (organisation_id);
CREATE TRIGGER overdue_marks_append_only BEFORE UPDATE OR DELETE ON overdue_marks
FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
