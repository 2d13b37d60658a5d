"""The one roster pipeline: read → parse → match by ID number → validate → (write) → report.

`check` is the dry run: it validates every row with the same functions the services use and
stores each row's outcome, writing nothing else. `apply` runs the very same row logic with
`write=True` outside any transaction, planning what each row writes (`stage`: encrypted,
blind-indexed, compact); if any row fails nothing is written. Then one short write transaction
re-reads what the preparation read and, if nothing changed, writes every record set-based with
the same audit events the services record one at a time. The web page, the API and
`manage.py import_roster` all call these two.

One module a stage: `read` (the file and its header), `parse` (a row's cells), `match` (the
people registered, a chunk at a time), `validate` (what a row must be before it touches a
record), `write` (the records, through the people and organisations services), `report` (each
row's outcome stored), `stage` (the plan and its merge); `run` takes the rows through them; `targets` says where a roster goes.

An indicator sheet (kind INDICATORS: a figure a row, for a team, a month and an indicator) goes
through the same stages, limits, report and guarantees with its own row logic, `figures`: its
rows are resolved within the enterprise and checked and written by the indicators' own services.
"""

from .report import fail
from .run import ALIVE_TTL, alive_key, apply, check
from .targets import checksum, county_targets, dues_targets, figure_targets, find_target, kind_for, targets_for

__all__ = [
    "ALIVE_TTL",
    "alive_key",
    "apply",
    "check",
    "checksum",
    "county_targets",
    "fail",
    "dues_targets",
    "figure_targets",
    "find_target",
    "kind_for",
    "targets_for",
]
