-- The buyer's organisation number (Sweden's 10 digits, Norway's 9): its
-- Peppol electronic address on e-invoices (R-INV-8, scheme 0007 or 0192).
ALTER TABLE organisations ADD COLUMN org_number TEXT;
