"""Finance: fund sources, appropriations, allocations, payments, statements, month close, fund rules."""
