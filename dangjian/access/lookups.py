"""`fk__in_ids=<queryset of ids>`: a foreign key among the ids a subquery returns, written the way
each engine runs fastest inside the scopes' ORs.

Both engines run a plain `party_org_id IN (SELECT …)` well on its own, but the scopes OR two of
them (the person's organisation, or their employer). SQLite still probes each column's index
("MULTI-INDEX OR"); PostgreSQL turns an OR of subqueries into a filter over a sequential scan of
the whole table: 111 ms for one county's members at prefecture scale, and growing with the
province. Written `party_org_id = ANY(ARRAY(SELECT …))`, each subquery runs once up front and
both index scans are OR-ed as bitmaps: 11.6 ms (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import ForeignKey, Lookup
from django.db.models.sql.compiler import SQLCompiler


class InIds(Lookup[Any]):
    lookup_name = "in_ids"

    def get_prep_lookup(self) -> Any:
        if hasattr(self.rhs, "query"):
            self.rhs = self.rhs.query
        if hasattr(self.rhs, "clear_ordering"):
            self.rhs = self.rhs.clone()
            self.rhs.clear_ordering(force=True)  # a model's default ordering means nothing here
        return super().get_prep_lookup()

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


ForeignKey.register_lookup(InIds)
