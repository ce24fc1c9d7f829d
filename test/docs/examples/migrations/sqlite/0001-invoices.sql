CREATE TABLE billing_invoices (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, amount_cents INTEGER NOT NULL);
