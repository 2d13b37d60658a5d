"""manage.py measure_sharding [--runs N]   (PostgreSQL, on a generated prefecture dataset)

The one-machine stand-in for sharding by county (docs/scaling.md §6): a copy of people_person
LIST-partitioned by county, and the queries that show whether a county's work stays in its county
and what a prefecture's fan-out costs. Everything happens in one transaction that is rolled back
(PostgreSQL's DDL is transactional): the database is left exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from dangjian.scale import dataset

SETUP = """
CREATE TEMP TABLE org_county AS
SELECT o.id AS org_id, c.id AS county_id
  FROM organizations_organization o
  JOIN organizations_organization c ON c.kind = 'county' AND o.path LIKE c.path || '%%';
CREATE UNIQUE INDEX ON org_county (org_id);
CREATE TABLE scaling_person (LIKE people_person INCLUDING DEFAULTS, county_id bigint NOT NULL)
  PARTITION BY LIST (county_id);
"""
FILL = """
INSERT INTO scaling_person
SELECT p.*, COALESCE(po.county_id, eo.county_id)
  FROM people_person p
  LEFT JOIN org_county po ON po.org_id = p.party_org_id
  LEFT JOIN organizations_enterprise e ON e.id = p.employer_id
  LEFT JOIN org_county eo ON eo.org_id = e.supervising_org_id;
ALTER TABLE scaling_person ADD PRIMARY KEY (county_id, id);
CREATE INDEX ON scaling_person (party_org_id, political_status);
CREATE INDEX ON scaling_person (employer_id, political_status);
CREATE INDEX ON scaling_person (name, id);
ANALYZE scaling_person;
"""
MEMBERS = "political_status IN ('full', 'probationary')"
UNDER = "(SELECT id FROM organizations_organization WHERE path LIKE %s)"


class Command(BaseCommand):
    help = "Measure county pruning on a LIST-partitioned copy of the person table (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--json", help="Also write the figures to this file.")

    def handle(self, *args, runs: int, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("This measurement needs PostgreSQL (partitioning stands in for shards).")
        code = f"{dataset.PREFECTURES[0][0]}00"
        with connection.cursor() as c:
            c.execute("SELECT path FROM organizations_organization WHERE code = %s", [code])
            row = c.fetchone()
        if row is None:
            raise CommandError("Generate the prefecture dataset first: manage.py generate_dataset --scale prefecture")
        pref_path = row[0]
        figures: dict[str, dict] = {}
        # Run on its own (the command): the copy is committed, vacuumed like a live table (so its
        # index-only scans compare fairly with the original's) and dropped at the end. Inside a
        # transaction (tests): everything is rolled back instead, without the vacuum.
        in_transaction = connection.in_atomic_block
        try:
            self._experiment(runs, pref_path, figures, in_transaction, opts["json"])
        finally:
            if not in_transaction:
                with connection.cursor() as c:
                    c.execute("DROP TABLE IF EXISTS scaling_person CASCADE")
                    c.execute("DROP TABLE IF EXISTS org_county")

    def _experiment(
        self, runs: int, pref_path: str, figures: dict, in_transaction: bool, json_path: str | None
    ) -> None:
        with transaction.atomic() if in_transaction else contextlib.nullcontext():
            with connection.cursor() as c:
                c.execute(SETUP)
                c.execute("SELECT id, path FROM organizations_organization WHERE kind = 'county' ORDER BY code")
                counties = c.fetchall()
                for county_id, _path in counties:
                    c.execute(
                        f"CREATE TABLE scaling_person_{county_id} PARTITION OF scaling_person FOR VALUES IN ({county_id})"
                    )
                c.execute(FILL)
                if not in_transaction:
                    c.execute("VACUUM ANALYZE scaling_person")
                c.execute("SELECT count(*) FROM people_person")
                persons = c.fetchone()[0]
                c.execute("SELECT count(*) FROM scaling_person")
                copied = c.fetchone()[0]
                # Invariant: a member's organisation and employer are in the same county.
                c.execute(
                    """SELECT count(*) FROM people_person p
                         JOIN org_county po ON po.org_id = p.party_org_id
                         JOIN organizations_enterprise e ON e.id = p.employer_id
                         JOIN org_county eo ON eo.org_id = e.supervising_org_id
                        WHERE po.county_id <> eo.county_id"""
                )
                straddling = c.fetchone()[0]
                try:
                    with transaction.atomic():
                        c.execute("ALTER TABLE scaling_person ADD UNIQUE (id_number_index)")
                    unique_error = ""
                except DatabaseError as exc:  # the expected refusal: a unique key must hold the partition key
                    unique_error = str(exc).splitlines()[0]
            # The largest county: most people.
            with connection.cursor() as c:
                c.execute("SELECT county_id FROM scaling_person GROUP BY county_id ORDER BY count(*) DESC LIMIT 1")
                big = c.fetchone()[0]
            county_path = dict(counties)[big]
            ids = [cid for cid, _p in counties]
            queries = {
                "county members, today's table": (
                    f"SELECT count(*) FROM people_person WHERE {MEMBERS} AND party_org_id IN {UNDER}",
                    [county_path + "%"],
                ),
                "county members, partitioned, pinned to its county": (
                    f"SELECT count(*) FROM scaling_person WHERE county_id = %s AND {MEMBERS} AND party_org_id IN {UNDER}",
                    [big, county_path + "%"],
                ),
                "prefecture members, today's table": (
                    f"SELECT count(*) FROM people_person WHERE {MEMBERS} AND party_org_id IN {UNDER}",
                    [pref_path + "%"],
                ),
                "prefecture members, partitioned, counties as constants": (
                    f"SELECT count(*) FROM scaling_person WHERE county_id = ANY(%s) AND {MEMBERS} AND party_org_id IN {UNDER}",
                    [ids, pref_path + "%"],
                ),
                "county members, partitioned, county from a subquery": (
                    f"SELECT count(*) FROM scaling_person WHERE county_id IN (SELECT id FROM organizations_organization "
                    f"WHERE path = %s) AND {MEMBERS} AND party_org_id IN {UNDER}",
                    [county_path, county_path + "%"],
                ),
                "prefecture list page 1 (OFFSET 0)": (
                    f"SELECT id FROM scaling_person WHERE county_id = ANY(%s) AND {MEMBERS} ORDER BY name, id LIMIT 50",
                    [ids],
                ),
            }
            with connection.cursor() as c:
                c.execute(f"SELECT count(*) FROM scaling_person WHERE {MEMBERS}")
                deep = max(0, min(10_000, c.fetchone()[0] - 50))
                c.execute(
                    f"SELECT name, id FROM scaling_person WHERE county_id = ANY(%s) AND {MEMBERS} "
                    "ORDER BY name, id OFFSET %s LIMIT 1",
                    [ids, max(deep - 1, 0)],
                )
                last_name, last_id = c.fetchone()
            queries[f"prefecture list, a deep page (OFFSET {deep:,})"] = (
                f"SELECT id FROM scaling_person WHERE county_id = ANY(%s) AND {MEMBERS} "
                "ORDER BY name, id LIMIT 50 OFFSET %s",
                [ids, deep],
            )
            queries[f"prefecture list, the same page by keyset (after row {deep:,})"] = (
                f"SELECT id FROM scaling_person WHERE county_id = ANY(%s) AND {MEMBERS} AND (name, id) > (%s, %s) "
                "ORDER BY name, id LIMIT 50",
                [ids, last_name, last_id],
            )
            for name, (sql, params) in queries.items():
                figures[name] = self._measure(sql, params, runs)
            if in_transaction:
                transaction.set_rollback(True)
        self.stdout.write(
            f"{persons:,} persons copied into {len(counties)} county partitions ({copied:,} rows); members whose "
            f"organisation and employer are in different counties: {straddling}; "
            f"UNIQUE (id_number_index) on the partitioned table: {unique_error or 'accepted'}"
        )
        for name, f in figures.items():
            self.stdout.write(
                f"{name:58} median {f['median_ms']:7.2f} ms  rows {f['rows']:>6}  partitions {f['partitions']}  "
                f"buffers {f['buffers']:>6}"
            )
        if json_path:
            with open(json_path, "w") as out:
                json.dump(
                    {"persons": persons, "straddling": straddling, "unique_error": unique_error, "figures": figures},
                    out,
                    ensure_ascii=False,
                    indent=2,
                )

    def _measure(self, sql: str, params: list, runs: int) -> dict:
        times = []
        with connection.cursor() as c:
            for _ in range(runs + 1):
                t0 = time.perf_counter()
                c.execute(sql, params)
                rows = c.fetchall()
                times.append(time.perf_counter() - t0)
            c.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = c.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        scanned: set[str] = set()

        def walk(node: dict) -> None:
            rel = node.get("Relation Name", "")
            if rel.startswith("scaling_person_") and not node.get("Actual Loops", 1) == 0:
                scanned.add(rel)
            for child in node.get("Plans", []):
                walk(child)

        walk(plan["Plan"])
        buffers = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
        return {
            "median_ms": statistics.median(times[1:]) * 1000,
            "rows": rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 and "count" in sql else len(rows),
            "partitions": len(scanned) if scanned else "-",
            "buffers": buffers,
        }
