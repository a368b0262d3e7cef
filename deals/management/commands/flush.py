"""Django's `flush`, able to empty the append-only tables: on SQLite flush deletes rows with DELETE,
which the append-only triggers refuse, so they are dropped for the flush and recreated after it
(deals/append_only.py). The test suite's TransactionTestCase and live-server tests flush this way."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from deals.append_only import without_triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with without_triggers(connection):
            return super().handle(**options)
