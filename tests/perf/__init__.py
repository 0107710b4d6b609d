"""Benchmarks and reliability proofs: plain scripts gathered by lancer_bancs.py (not collected by pytest)."""
