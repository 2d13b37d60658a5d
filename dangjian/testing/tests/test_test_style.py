"""The tests keep one style (dangjian/testing/__init__.py): no test module imports from another
test module, and every test module that uses the database has a side-B case."""

from __future__ import annotations

import ast
from pathlib import Path

from dangjian.testing.processes import ROOT

PACKAGE = ROOT / "dangjian"

# Fixtures that bring in the database (besides a `django_db` mark).
DB_FIXTURES = {
    "db",
    "transactional_db",
    "world",
    "live_server",
    "api_as",
    "anonymous",
    "session_client",
    "member_user",
    "upload",
    "confirm",
    "export",
    "a_in_english",
}

# Modules that use the database but hold nothing of one enterprise that another could see: the
# reason for each. A new module that touches data gets a side-B test instead of a line here.
NO_SIDES: dict[str, str] = {
    "access/tests/test_cache_control.py": "response headers, the same whoever asks",
    "accounts/tests/test_browser_activation.py": "one newcomer's walk; B's people refused: accounts/tests/test_login_codes.py",
    "api/tests/test_docs.py": "the OpenAPI document and its page: nobody's data",
    "api/tests/test_errors.py": "the JSON error shape; B's object per operation: api/tests/test_every_operation.py",
    "api/tests/test_hostile_input.py": "malformed input answered 4xx; B's object per operation: api/tests/test_every_operation.py",
    "api/tests/test_selections_race.py": "two casts of one voter at once on one side's roll; B's refusals: api/tests/test_selections.py",
    "audit/tests/test_admin_pages_open.py": "the admin is for staff, who see every enterprise by design",
    "audit/tests/test_audit_admin_read_only.py": "the admin is for staff, who see every enterprise by design",
    "backups/tests/test_refusals.py": "the whole instance in another process (backup, restore, kill, workers): every enterprise by design",
    "backups/tests/test_roundtrip.py": "the whole instance in another process (backup, restore, kill, workers): every enterprise by design",
    "birthdays/tests/test_browser_birthdays.py": "a browser walk through one side's pages; what B reaches through the same pages: ui/tests/test_every_url_is_scoped.py",
    "branchlife/tests/test_browser_meetings.py": "a browser walk through one side's pages; what B reaches through the same pages: ui/tests/test_every_url_is_scoped.py",
    "demo/tests/test_load_demo.py": "loads the whole demo and counts it: every enterprise by design",
    "development/tests/test_browser_development.py": "a browser walk through one side's pages; what B reaches through the same pages: ui/tests/test_every_url_is_scoped.py",
    "exports/tests/test_browser_export.py": "a browser walk through one side's pages; what B reaches through the same pages: ui/tests/test_every_url_is_scoped.py",
    "jobs/tests/test_workers.py": "the whole instance in another process (backup, restore, kill, workers): every enterprise by design",
    "organizations/tests/test_uscc_validator.py": "credit-code validation: no enterprise's data read",
    "people/tests/test_key_check.py": "a system check of the encryption key over the whole table",
    "rosters/tests/test_kill.py": "the whole instance in another process (backup, restore, kill, workers): every enterprise by design",
    "audit/tests/test_kill_sealing.py": "the whole instance in another process (kill, seal): every enterprise by design",
    "rosters/tests/test_limits.py": "crafted files refused before any row is matched against people",
    "scale/tests/test_bench.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_concurrency.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_load.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_onboarding.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_production.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_guidance.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_selections.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_transfers.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_rollups.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_indicators.py": "benchmark datasets: every enterprise by design",
    "scale/tests/test_dues.py": "benchmark datasets: every enterprise by design",
    "dues/tests/test_bands.py": "the rate bands are the regulations', the same for every branch: no side to see",
    "scale/tests/test_appraisals.py": "benchmark datasets: every enterprise by design",
    "appraisal/tests/test_nested.py": "a general branch and a branch under it, both in one side's tree: side B is proved in the appraisal's other modules",
    "ballots/tests/test_close_race.py": "the engine knows no organisation: a poll is reached only through its owner",
    "ballots/tests/test_engine.py": "the engine knows no organisation: a poll is reached only through its owner (a round: selections/tests)",
    "onboarding/tests/test_browser_setup.py": "one county's set-up page in a browser; another county's: onboarding/tests/test_pages.py",
    "onboarding/tests/test_browser_walk.py": "an empty installation with one county in it; another county's org department is refused the page, uploads and logins in onboarding/tests/test_pages.py and test_logins.py",
    "guidance/tests/test_browser_guidance.py": "a browser walk through one side's pages; what B reaches through the same pages: ui/tests/test_every_url_is_scoped.py",
    "guidance/tests/test_browser_screen.py": "the large screen of one county in a browser; another county's: guidance/tests/test_rollups.py",
    "ui/tests/test_content_security_policy.py": "response headers and templates, the same whoever asks",
    "pages/tests/test_health.py": "/health/ is anonymous and names no data",
    "ui/tests/test_ids_out_of_range.py": "ids no row can have: nobody's object",
    "ui/tests/test_language.py": "the user's own language choice",
    "ui/tests/test_static_files.py": "static files: nobody's data",
    "tests/test_versions.py": "the version counter of the organisation tables: a number, nobody's data",
}

# The world's side-B names (conftest.py): a test asserting them absent names side B too.
B_NAMES = ("B公司", "B工人", "B党员", "B书记", "B第一党小组", "B一车间", "B缝纫一组")


def _test_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("tests/*.py") if p.name.startswith("test_") or p.name == "conftest.py") + [
        ROOT / "conftest.py"
    ]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(path: Path) -> list[str]:
    """The modules `path` imports (relative imports resolved; `from x import y` gives x.y too,
    since y may be a module)."""
    package = _module_name(path).rsplit(".", 1)[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def _is_test_code(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts[:-1] or parts[-1] in {"tests", "conftest"} or parts[-1].startswith("test_")


def test_no_test_module_imports_from_another_test_module():
    offenders = {
        str(path.relative_to(ROOT)): sorted({m for m in _imported(path) if _is_test_code(m)})
        for path in _test_modules()
    }
    offenders = {path: modules for path, modules in offenders.items() if modules}
    assert not offenders, f"move what these share into dangjian/testing/: {offenders}"


def _uses_database(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "django_db":
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if {a.arg for a in node.args.args} & DB_FIXTURES:
                return True
        if isinstance(node, ast.Constant) and node.value in DB_FIXTURES and isinstance(node.value, str):
            return True  # pytest.mark.usefixtures("world")
    return False


def _names_side_b(tree: ast.AST) -> bool:
    def side_b(name: str) -> bool:
        return name == "outsider_county" or name.endswith("_b") or name.startswith("b_")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and (node.attr == "b" or side_b(node.attr)):
            return True
        if isinstance(node, ast.Name) and side_b(node.id):
            return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and side_b(node.name):
            return True
        if isinstance(node, ast.arg) and side_b(node.arg):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(n in node.value for n in B_NAMES):
            return True
    return False


def modules_without_side_b() -> list[str]:
    missing = []
    for path in _test_modules():
        if path.name != "conftest.py" and path.parent.name == "tests":
            tree = ast.parse(path.read_text())
            if _uses_database(tree) and not _names_side_b(tree):
                missing.append(str(path.relative_to(PACKAGE)))
    return missing


def test_every_module_using_the_database_proves_side_b_cannot_see_a():
    missing = sorted(set(modules_without_side_b()) - set(NO_SIDES))
    assert not missing, f"add a test that side B cannot see or change A's (or a reason in NO_SIDES): {missing}"


def test_every_module_exempted_still_exists_and_still_has_no_side_b():
    missing = set(modules_without_side_b())
    stale = [name for name in NO_SIDES if name not in missing]
    assert not stale, f"these need no line in NO_SIDES any more: {stale}"


def test_the_checks_recognise_what_they_look_for():
    """The two detectors, on code written for them (so neither rule passes by seeing nothing)."""
    assert _is_test_code("dangjian.rosters.tests.builders")
    assert _is_test_code("dangjian.api.tests.conftest")
    assert _is_test_code("dangjian.jobs.tests")
    assert not _is_test_code("dangjian.testing.rosters")
    assert not _is_test_code("dangjian.branchlife.services")
    assert _uses_database(ast.parse("def test_x(world): pass"))
    assert _uses_database(ast.parse("import pytest\npytestmark = pytest.mark.django_db"))
    assert not _uses_database(ast.parse("def test_x(settings): pass"))
    assert _names_side_b(ast.parse("def test_x(world): assert world.b.worker"))
    assert _names_side_b(ast.parse("def test_x(world): people = b_people(world, 2)"))
    assert _names_side_b(ast.parse("def test_x(page): assert 'B工人' not in page"))
    assert not _names_side_b(ast.parse("def test_x(world): assert world.a.worker"))
