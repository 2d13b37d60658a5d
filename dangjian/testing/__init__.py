"""Everything the tests share, in one place. Test modules import from here (and get fixtures from
the root conftest.py), never from one another.

Fixtures (pytest, by name in a test's arguments):
- /conftest.py: `world` (two enterprises A and B under one park, each with a branch, a party
  group, a workshop and team, a member, a worker, a secretary and a manager; a county admin; a
  county outside), `login`, and the cache emptied around every test. It registers the plugins:
- fixtures.py: API clients (`api_as`, `anonymous`, `session_client`, `member_user`), `upload`
  and `confirm` of a roster as the page does, `export` of a list, `own_database` (a migrated
  database for `manage.py` processes: a copy of one migrated once in the run), `a_in_english`;
- backups.py: instances of the platform in other processes (`make_instance`, empty or migrated;
  `source`, `demo_backup`) and archive helpers;
- browser.py: one Chromium per session (`browser`), `log_in`, the browser marks.

Builders (plain functions and constants):
- factories.py: factory_boy factories and valid USCC / ID numbers;
- chromium.py: Chromium started as the browser tests and scripts/smoke.py start it (`launch`);
- api.py: `API`, `JsonClient`, `token_for`, `operations()` of the OpenAPI document;
- branchlife.py: members, committees and meetings of a side;
- development.py: the 25-step walk (`plan`, `record`, `sponsors`) and candidacies at a step;
- members.py: members with known admission dates, transfers (birthdays);
- rosters.py: roster files (.xlsx, .csv, .ods, .xls, hostile ones);
- exports.py: reading a downloaded list back;
- id_numbers.py: the "registered elsewhere" answers; urls.py: every page with side B's object;
- jobs.py: tasks for the worker tests; processes.py: `manage.py` in its own process;
  scale.py: small datasets;
- busy.py: `database_busy()`, a second connection holding the write lock as an import does.

Two rules, kept by testing/tests/test_test_style.py:
1. No test module (tests/test_*.py, tests/conftest.py) imports from another test module or
   tests package; what two modules share belongs here.
2. Every test module that uses the database proves the other side cannot see or change A's:
   it names side B of the world (`world.b`, `.b.` of a side, `outsider_county`) or a builder
   or fixture of B's (a name ending in `_b` or starting `b_`, e.g. `b_people`). Modules that
   touch no per-enterprise data are listed, each with its reason, in that test.
"""
