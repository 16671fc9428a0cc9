"""Running work on two real database connections at once (PostgreSQL only)."""

import threading

import pytest
from django.db import connection


def postgres_only() -> None:
    """Skip, with the reason shown, unless the tests run on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs two real connections with row locks: run with DATABASE_URL=postgres"
        )


def two_at_once(first, second) -> dict:
    """Run two callables on two threads, each with its own database connection;
    return {"a": first's result, "b": second's}, an exception standing for a result."""
    results = {}

    def run(name, work):
        try:
            results[name] = work()
        except Exception as error:
            results[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=p) for p in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
