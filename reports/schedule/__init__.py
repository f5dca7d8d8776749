"""Spending against the schedule (序时进度) for leadership: each source's, responsible unit's and
township's payout ratio against the expected share of the year, ranked worst first (`report`), its
database reads (`queries`), its chart (`drawing`) and spreadsheet (`export`). The arithmetic is
funds.schedule's (pure, exact)."""
