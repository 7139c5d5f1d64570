-- A plan sold only through sales (Enterprise): shown on the plan page with
-- "contact sales", never bought self-serve (#14).
ALTER TABLE plans ADD COLUMN sales_only INTEGER NOT NULL DEFAULT 0 CHECK (sales_only IN (0, 1));
