"""The append-only audit trail, hash-chained with a key and anchored outside the database: who did
what to which record, when, from where, and how it ended."""
