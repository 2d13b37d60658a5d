"""manage.py bench_onboard --counties 8 --enterprises 1500 --people 400000: a prefecture's
onboarding from files its counties' staff wrote (scale.county_files), through `manage.py
import_roster` exactly as an operator would run it, county by county and step by step (the party
organisation tree, the enterprises with their workshops and teams, every enterprise's employee
roster, every branch's member roster, the role holders), then the login sheets of every person;
printing each step's files, rows, wall time and rows per second. `--counties 1 --enterprises 68
--people 2400` is the article's county (Hejing). Figures in docs/benchmarks.md.

Run it against a throwaway database (`make bench-onboard` does), never production."""

from __future__ import annotations

import io
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dangjian.access.models import User
from dangjian.audit.context import audit_source
from dangjian.onboarding.logins import give_county_logins
from dangjian.organizations import selectors as orgs
from dangjian.organizations import services as org_services
from dangjian.rosters.models import RosterImport
from dangjian.scale.bench import peak_mb
from dangjian.scale.county_files import CountyFiles, county_files

DIVISIONS = ["652827", "652826", "652828", "652829", "652822", "652823", "652824", "652825", "652801", "652821"]


class Command(BaseCommand):
    help = "Benchmark a county's (or prefecture's) onboarding through import_roster, from generated files."

    def add_arguments(self, parser):
        parser.add_argument("--counties", type=int, default=1)
        parser.add_argument("--enterprises", type=int, default=68, help="In all, shared among the counties.")
        parser.add_argument("--people", type=int, default=2400, help="In all, shared among the counties.")
        parser.add_argument("--seed", type=int, default=68)

    def handle(self, *args, counties: int, enterprises: int, people: int, seed: int, **opts):
        if counties < 1 or counties > len(DIVISIONS):
            raise CommandError(f"--counties is 1 to {len(DIVISIONS)}.")
        self.spent: dict[str, float] = defaultdict(float)
        self.rows: dict[str, int] = defaultdict(int)
        self.files: dict[str, int] = defaultdict(int)
        stamp = int(time.time())
        # Who gives the logins (a sheet is someone's): a platform administrator made for the run.
        self.operator = User.objects.create_superuser(f"bench-onboard-{stamp}")
        with audit_source("command"):
            prefecture = org_services.create_organization(
                actor=None, kind="prefecture", name=f"基准测试州委{stamp}", parent=None, code=f"P{stamp}"
            )
        start = time.perf_counter()
        for i in range(counties):
            t0 = time.perf_counter()
            files = county_files(
                county=f"基准{i + 1}县委",
                division=DIVISIONS[i],
                enterprises=enterprises // counties + (1 if i < enterprises % counties else 0),
                people=people // counties,
                seed=seed + i,
            )
            self.spent["generate the files"] += time.perf_counter() - t0
            with audit_source("command"):
                county = org_services.create_organization(
                    actor=None, kind="county", name=files.county, parent=prefecture, code=f"{files.division}-{stamp}"
                )
            with tempfile.TemporaryDirectory() as folder:
                self._county(county, files, Path(folder))
            self.stdout.write(
                f"county {i + 1}/{counties}: {len(files.enterprises)} enterprises, {files.people} people, "
                f"{time.perf_counter() - start:.0f} s so far, peak RSS {peak_mb():.0f} MB"
            )
        total = time.perf_counter() - start - self.spent["generate the files"]
        self.stdout.write("")
        self.stdout.write(
            f"{'step':<32} {'files':>6} {'rows':>8} {'seconds':>9} {'rows/s':>8}  (sheets, codes for logins)"
        )
        for step, seconds in self.spent.items():
            rows = self.rows.get(step, 0)
            rate = f"{rows / seconds:.0f}" if rows and seconds else ""
            self.stdout.write(f"{step:<32} {self.files.get(step, 0):>6} {rows:>8} {seconds:>9.1f} {rate:>8}")
        self.stdout.write(f"{'onboarding in all (no generation)':<32} {'':>6} {'':>8} {total:>9.1f}")

    def _import(self, step: str, folder: Path, name: str, data: bytes, into: str, kind: str | None = None) -> None:
        path = folder / name
        path.write_bytes(data)
        out = io.StringIO()
        args = [str(path), "--into", into] + (["--kind", kind] if kind else [])
        t0 = time.perf_counter()
        try:
            call_command("import_roster", *args, "--create-teams", stdout=out, stderr=out)
        except (SystemExit, CommandError) as exc:
            raise CommandError(f"{step}: {name} was not imported:\n{out.getvalue()[-3000:]}") from exc
        self.spent[step] += time.perf_counter() - t0
        self.files[step] += 1
        self.rows[step] += RosterImport.objects.filter(file_name=name).latest("pk").counts.get("rows", 0)

    def _county(self, county, files: CountyFiles, folder: Path) -> None:
        self._import("party organisation tree", folder, "tree.xlsx", files.tree, county.code, "org_tree")
        self._import(
            "enterprises, workshops, teams", folder, "ent.xlsx", files.enterprise_file, county.code, "enterprises"
        )
        for ent in files.enterprises:
            self._import("employee rosters", folder, "emp.xlsx", files.employees[ent.name], ent.uscc)
        units = {o.name: o for o in orgs.subtree(county)}
        for branch, data in files.members.items():
            code = units[branch].code
            if not code:
                raise CommandError(f"{branch} has no code after the tree's import.")
            self._import("member rosters", folder, "mem.xlsx", data, code)
        self._import("role holders", folder, "roles.xlsx", files.roles, county.code, "role_holders")
        # The set-up page's last step, as its job runs it: a sheet for the role holders, one for
        # every enterprise's employees and every organisation's members without an employer.
        t0 = time.perf_counter()
        with audit_source("command"):
            result = give_county_logins(actor=self.operator, county=county, everyone=True, progress=lambda d, t: None)
        self.spent["login sheets (every person)"] += time.perf_counter() - t0
        self.files["login sheets (every person)"] += len(result["sheets"])
        self.rows["login sheets (every person)"] += result["codes"]
