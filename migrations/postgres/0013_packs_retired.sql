-- A credit pack is never changed once sold (its invoices name it): an
-- operator retires it and adds a new one. A retired pack is not sold.
ALTER TABLE credit_packs ADD COLUMN retired BIGINT NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
