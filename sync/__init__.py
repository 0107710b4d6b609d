"""Synchronisation with the national content server (no Qt)."""
