"""Accounts, roles, signing in and out, and the administrator's account management."""
