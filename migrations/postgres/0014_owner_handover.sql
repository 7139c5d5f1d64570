-- Handing over the billing owner's role (R-ACC-5) e-mails both people: an
-- outbox message need not carry a document, and one composed when it was
-- queued keeps its subject and body.
ALTER TABLE outbox ALTER COLUMN document_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN subject TEXT;
ALTER TABLE outbox ADD COLUMN body TEXT;
ALTER TABLE outbox ADD CONSTRAINT outbox_composed_or_document
    CHECK (document_id IS NOT NULL OR (subject IS NOT NULL AND body IS NOT NULL));
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('copy', 'reminder', 'payment_failed', 'owner_changed'));

-- The billing owner's membership is never deleted: there is always one
-- owner (the handover moves the role in one transaction).
CREATE FUNCTION billing_owner_not_deleted() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the billing owner''s membership is not deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_owner_not_deleted BEFORE DELETE ON memberships
FOR EACH ROW WHEN (OLD.is_billing_owner = 1) EXECUTE FUNCTION billing_owner_not_deleted();
