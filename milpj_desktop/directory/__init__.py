"""The encrypted directory (annuaire): structures and professionals near the families."""
