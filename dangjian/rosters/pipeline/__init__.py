"""The one roster pipeline: read → parse → match by ID number → validate → (write) → report.

`check` is the dry run: it validates every row with the same functions the services use and
stores each row's outcome, writing nothing else. `apply` runs the very same row logic with
`write=True` inside one transaction: the people services create or update each record (each
leaving its audit event), and if any row fails the whole transaction is rolled back, so the
database is as it was. The web page, the API and `manage.py import_roster` all call these two.

One module a stage: `read` (the file and its header), `parse` (a row's cells), `match` (the
people registered, a chunk at a time), `validate` (what a row must be before it touches a
record), `write` (the records, through the people and organisations services), `report` (each
row's outcome stored); `run` takes the rows through them; `targets` says where a roster goes.
"""

from .report import fail
from .run import ALIVE_TTL, alive_key, apply, check
from .targets import checksum, find_target, kind_for, targets_for

__all__ = ["ALIVE_TTL", "alive_key", "apply", "check", "checksum", "fail", "find_target", "kind_for", "targets_for"]
