"""Transactions that wrap tests, as Django's TestCase wraps each test in one."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back_transaction() -> Iterator[None]:
    """An outer transaction, rolled back at the end. It is marked as a test case's own, as Django
    marks the transaction around each test: the renderer, which refuses to run inside a real
    transaction (templates_lib/rendering/isolation.py), treats it like that one."""
    atomic = transaction.atomic()
    atomic._from_testcase = True
    with atomic:
        yield
        transaction.set_rollback(True)
