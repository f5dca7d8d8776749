"""Injected failures for the tests of what a half-finished operation leaves behind."""
from __future__ import annotations


def fail_on_call(monkeypatch, owner, name: str, call: int, error: Exception) -> list:
    """Make `owner.name` (a method) raise `error` on its `call`-th call and behave as before otherwise;
    the returned list grows by one per call."""
    real, calls = getattr(owner, name), []

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise error
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return calls
