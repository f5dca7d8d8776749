"""Shared helpers that depend on nothing else of ours: money, time, access rules."""
