"""Logins for everyone: codes given in bulk by whoever may, used once with the end of the ID
number, refused (and recorded) otherwise; a sheet prints the open codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.access.models import Role, User
from dangjian.accounts import services
from dangjian.accounts.models import Activation
from dangjian.audit.models import Action, AuditEvent
from dangjian.testing.factories import PersonFactory

PASSWORD = "Tianshan-2026-garden"


@pytest.fixture(autouse=True)
def _in_english(client):
    """The messages are read in English here (test_catalog_complete sees to the Chinese)."""
    client.cookies["django_language"] = "en"


def give(client, query: str, days: int = 14):
    return client.post(reverse("access:logins_give") + "?" + query, {"days": days})


def code_for(user: User) -> str:
    """The open code of a user, as the printed card shows it (read back for the test only)."""
    activation = Activation.objects.get(user=user, used_at__isnull=True, revoked_at__isnull=True)
    return services.shown(activation.code_sealed)


def activate(client, code: str, tail: str, password: str = PASSWORD, again: str | None = None):
    client.cookies["django_language"] = "en"  # signing out forgets it
    return client.post(
        reverse("activate"),
        {"code": code, "id_tail": tail, "password1": password, "password2": again or password},
    )


def test_a_manager_gives_logins_to_the_enterprises_non_members_only(world, login):
    client = login(world.a.manager)
    page = client.get(reverse("access:logins_give") + f"?enterprise={world.a.enterprise.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert world.a.worker.name in text
    # The member and the secretary are the department's to give: counted, not listed to receive.
    assert 'data-outside="2"' in text
    response = give(client, f"enterprise={world.a.enterprise.pk}")
    assert response.status_code == 302
    worker = User.objects.get(person=world.a.worker)
    assert not worker.has_usable_password()
    assert re.fullmatch(r"dj\d{6}", worker.username)
    assert not User.objects.filter(person=world.a.member).exists()
    assert not User.objects.filter(person=world.b.worker).exists()


def test_the_other_enterprises_people_and_a_single_member_are_refused_to_a_manager(world, login):
    client = login(world.a.manager)
    assert client.get(reverse("access:logins_give") + f"?person={world.b.worker.pk}").status_code == 404
    assert client.get(reverse("access:logins_give") + f"?person={world.a.member.pk}").status_code == 403
    assert give(client, f"person={world.a.member.pk}").status_code == 403
    assert not User.objects.filter(person__in=[world.b.worker, world.a.member]).exists()


def test_a_secretary_may_not_give_logins(world, login):
    client = login(world.a.secretary)
    assert client.get(reverse("access:logins_give") + f"?person={world.a.worker.pk}").status_code == 403
    assert client.get(reverse("access:sheets")).status_code == 403
    assert not User.objects.filter(person=world.a.worker).exists()


def test_the_department_gives_members_logins_and_each_is_audited(world, login):
    client = login(world.county_admin)
    before = AuditEvent.objects.count()
    assert give(client, f"person={world.a.member.pk}").status_code == 302
    user = User.objects.get(person=world.a.member)
    activation = Activation.objects.get(user=user)
    kinds = set(AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[:3].values_list("object_type", flat=True))
    assert {"access.User", "accounts.Activation", "accounts.LoginSheet"} <= kinds
    assert AuditEvent.objects.count() == before + 3
    # The code is never in the log, not even hashed.
    logged = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert activation.code_sealed not in logged and activation.code_index not in logged


def test_activation_with_the_code_and_the_id_ending_sets_the_password_and_signs_in(world, login, client):
    give(login(world.a.manager), f"person={world.a.worker.pk}")
    client.logout()
    user = User.objects.get(person=world.a.worker)
    code = code_for(user)
    page = client.get(reverse("activate") + "?code=" + code)
    assert code in page.content.decode()
    response = activate(client, code.lower().replace("-", " "), world.a.worker.id_number[-6:].lower())
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.get(reverse("home")).wsgi_request.user == user
    assert Activation.objects.get(user=user).used_at is not None
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=user).exists()
    # A code works once.
    client.logout()
    again = activate(client, code, world.a.worker.id_number[-6:], "Another-pass-2026")
    assert "used already" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_id_endings_are_counted_recorded_and_lock_the_code(world, login, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    give(login(world.a.manager), f"person={world.a.worker.pk}")
    client.logout()
    user = User.objects.get(person=world.a.worker)
    code = code_for(user)
    right = world.a.worker.id_number[-6:]
    wrong = "000000" if right != "000000" else "111111"
    first = activate(client, code, wrong).content.decode()
    assert "2 attempts left" in first
    activate(client, code, wrong)
    third = activate(client, code, wrong).content.decode()
    assert "now locked" in third
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_id=str(user.pk)).count() == 3
    # Locked: even the right ending no longer works, and nothing was set.
    locked = activate(client, code, right).content.decode()
    assert "locked" in locked
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_network_that_keeps_guessing_waits(world, client, settings):
    settings.LOGIN_CODE_FAILURES_PER_ADDRESS = 3
    for _ in range(3):
        assert "not known" in activate(client, "AAAAA-AAAAA", "123456").content.decode()
    blocked = activate(client, "AAAAA-AAAAA", "123456").content.decode()
    assert "Too many wrong codes" in blocked


def test_an_expired_or_replaced_code_says_so(world, login, client):
    manager = login(world.a.manager)
    give(manager, f"person={world.a.worker.pk}", days=7)
    user = User.objects.get(person=world.a.worker)
    old = code_for(user)
    give(manager, f"person={world.a.worker.pk}", days=7)
    new = code_for(user)
    client.logout()
    assert "replaced by a newer one" in activate(client, old, world.a.worker.id_number[-6:]).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert "expired on" in activate(client, new, world.a.worker.id_number[-6:]).content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_weak_or_mismatched_password_keeps_the_code_open(world, login, client):
    give(login(world.a.manager), f"person={world.a.worker.pk}")
    client.logout()
    user = User.objects.get(person=world.a.worker)
    code, tail = code_for(user), world.a.worker.id_number[-6:]
    assert "differ" in activate(client, code, tail, PASSWORD, "something-else-1").content.decode()
    assert "too short" in activate(client, code, tail, "abc").content.decode()
    assert activate(client, code, tail).status_code == 302


def test_a_reset_code_replaces_a_forgotten_password_and_lifts_a_lockout(world, login, client, settings):
    manager = login(world.a.manager)
    give(manager, f"person={world.a.worker.pk}")
    user = User.objects.get(person=world.a.worker)
    code = code_for(user)
    client.logout()
    activate(client, code, world.a.worker.id_number[-6:])
    client.logout()
    # Locked out after wrong passwords…
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong-one"})
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 429
    # …a reset code from HR sets a new one and the lockout ends.
    manager = login(world.a.manager)
    page = manager.get(reverse("access:logins_give") + f"?person={world.a.worker.pk}").content.decode()
    assert "data-resets" in page
    give(manager, f"person={world.a.worker.pk}")
    reset = Activation.objects.get(user=user, used_at__isnull=True, revoked_at__isnull=True)
    assert reset.purpose == Activation.Purpose.RESET
    client.logout()
    assert (
        activate(client, services.shown(reset.code_sealed), world.a.worker.id_number[-6:], "Brand-new-2027").status_code
        == 302
    )
    client.logout()
    assert client.post(reverse("login"), {"username": user.username, "password": "Brand-new-2027"}).status_code == 302


def test_officers_and_people_without_an_id_number_get_no_code(world, login):
    nobody = PersonFactory(name="无证工人", employer=world.a.enterprise, id_number="")
    client = login(world.county_admin)
    page = client.get(reverse("access:logins_give") + f"?enterprise={world.a.enterprise.pk}").content.decode()
    assert "no ID number on record" in page and nobody.name in page
    assert "an officer who already signs in" in page  # the secretary
    give(client, f"enterprise={world.a.enterprise.pk}")
    assert not User.objects.filter(person=nobody).exists()
    secretary = User.objects.get(pk=world.a.secretary.pk)
    assert not Activation.objects.filter(user=secretary).exists()
    assert Activation.objects.filter(user__person__in=[world.a.member, world.a.worker]).count() == 2


def test_a_role_holder_who_never_signed_in_gets_a_code_and_activates_with_it(world, login, client):
    """A county's role holders, their logins made without a password by the role holders' import,
    get codes like anyone; an officer who already signs in does not (above)."""
    from dangjian.access import services as access_services

    user = access_services.create_users_without_password(actor=None, people=[("dj123456", world.a.member)])[0]
    access_services.assign_role(actor=None, user=user, role=Role.SECRETARY, organization=world.a.group)
    given = services.give_logins(actor=world.county_admin, people=[world.a.member, world.a.secretary.person])
    assert (given.new_logins, given.new_codes, given.resets) == (0, 1, 0)
    assert not Activation.objects.filter(user=world.a.secretary).exists()  # signs in already: no reset
    client.logout()
    response = activate(client, code_for(user), world.a.member.id_number[-6:])
    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert user.has_usable_password()


def test_a_reset_code_never_opens_an_officers_login(world, login, client):
    """A worker's reset code, made before they became an officer, stops working then."""
    from dangjian.access import services as access_services

    give(login(world.a.manager), f"person={world.a.worker.pk}")
    user = User.objects.get(person=world.a.worker)
    client.logout()
    assert activate(client, code_for(user), world.a.worker.id_number[-6:]).status_code == 302
    services.give_logins(actor=world.a.manager, people=[world.a.worker], reset=True)
    code = code_for(user)
    access_services.assign_role(actor=None, user=user, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    client.logout()
    assert (
        "now holds a role" in activate(client, code, world.a.worker.id_number[-6:], "Other-pass-2027").content.decode()
    )
    with pytest.raises(ValidationError):  # and no sheet resets it now
        services.give_logins(actor=world.county_admin, people=[world.a.worker], reset=True)


def test_the_sheet_prints_open_codes_for_its_giver_only(world, login, django_capture_on_commit_callbacks):
    manager = login(world.a.manager)
    give(manager, f"enterprise={world.a.enterprise.pk}")
    sheet = world.a.manager.login_sheets.get()
    page = manager.get(reverse("access:sheet", args=[sheet.pk])).content.decode()
    assert 'data-state="open"' in page and world.a.worker.name in page
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(reverse("access:sheet", args=[sheet.pk]))
    assert response.status_code == 302
    job_page = manager.get(response["Location"])
    assert job_page.status_code == 200
    from dangjian.jobs.models import Job

    job = Job.objects.get(kind="login_sheet")
    assert job.status == "done", job.message
    assert job.result["summary"] == "已打印1张登录卡片。"  # the worker alone: members are the department's
    pdf = manager.get(reverse("jobs:download", args=[job.pk]))
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="accounts.LoginSheet").exists()
    other = login(world.b.manager)
    assert other.get(reverse("access:sheet", args=[sheet.pk])).status_code == 404
    assert other.post(reverse("access:sheet", args=[sheet.pk])).status_code == 404


def test_a_withdrawn_code_no_longer_works(world, login, client):
    manager = login(world.a.manager)
    give(manager, f"person={world.a.worker.pk}")
    user = User.objects.get(person=world.a.worker)
    code = code_for(user)
    activation = Activation.objects.get(user=user)
    assert manager.post(reverse("access:code_withdraw", args=[activation.pk])).status_code == 302
    assert login(world.b.manager).post(reverse("access:code_withdraw", args=[activation.pk])).status_code == 404
    client.logout()
    assert "withdrawn" in activate(client, code, world.a.worker.id_number[-6:]).content.decode()


def test_a_password_by_e_mail_where_smtp_is_set(world, client, settings, mailoutbox):
    settings.PASSWORD_RESET_BY_EMAIL = True
    user = world.a.secretary
    user.email = "secretary@example.cn"
    user.save()
    assert "data-forgotten" in client.get(reverse("login")).content.decode()
    answer = client.post(reverse("password_forgotten"), {"login": "secretary@example.cn"})
    assert answer.status_code == 302
    # The same answer for a login that does not exist, and no mail.
    assert client.post(reverse("password_forgotten"), {"login": "nobody"}).status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/password/reset/\S+/)", mailoutbox[0].body).group(1)
    assert client.post(link, {"password1": "New-pass-Hejing-9", "password2": "New-pass-Hejing-9"}).status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-pass-Hejing-9")
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(user.pk), actor=user).exists()
    # The link works once.
    assert client.get(link).status_code == 400


def test_without_smtp_there_is_no_e_mail_route(world, client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    assert "data-forgotten" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("password_forgotten")).status_code == 404


def test_the_department_and_a_manager_open_the_pages_of_logins(world, login):
    for user in (world.county_admin, world.a.manager):
        client = login(user)
        assert client.get(reverse("access:sheets")).status_code == 200
        page = client.get(reverse("access:logins_give")).content.decode()
        assert "B工人" not in page if user == world.a.manager else "B工人" in page
        assert "data-give-logins" in client.get(reverse("people:list")).content.decode()
    assert "data-give-logins" not in login(world.a.secretary).get(reverse("people:list")).content.decode()


def test_giving_codes_costs_the_same_queries_for_a_workforce_as_for_two(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.people.models import Person

    def queries_for(n: int) -> int:
        for i in range(n):
            PersonFactory(name=f"批量{n}-{i}", employer=world.b.enterprise)
        people = list(Person.objects.filter(name__startswith=f"批量{n}-").select_related(*services.PEOPLE_RELATED))
        with CaptureQueriesContext(connection) as captured:
            given = services.give_logins(actor=world.county_admin, people=people)
        assert given.new_logins == n
        return len(captured)

    assert queries_for(2) == queries_for(12) <= 24


def test_a_code_given_to_a_worker_who_later_becomes_an_officer_no_longer_works(world, login, client):
    from dangjian.access import services as access_services
    from dangjian.access.models import Role

    give(login(world.a.manager), f"person={world.a.worker.pk}")
    user = User.objects.get(person=world.a.worker)
    code = code_for(user)
    access_services.assign_role(actor=None, user=user, role=Role.INSTRUCTOR, enterprise=world.a.enterprise)
    client.logout()
    assert "now holds a role" in activate(client, code, world.a.worker.id_number[-6:]).content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_no_part_of_a_code_is_in_the_audit_log(world, login, client):
    give(login(world.a.manager), f"person={world.a.worker.pk}")
    activation = Activation.objects.get()
    client.logout()
    activate(
        client,
        services.shown(activation.code_sealed),
        "000000" if world.a.worker.id_number[-6:] != "000000" else "111111",
    )
    logged = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert activation.code_sealed[:5] not in logged


def test_only_who_may_give_a_role_gives_its_unactivated_holder_a_code(world, login):
    """A never-activated login holding a role elsewhere is no way in for a manager, nor for
    another county: their code comes from who may give that role (county A's department)."""
    from dangjian.access import services as access_services

    worker = world.a.worker  # A's non-member employee: within A's manager's reach
    user = access_services.create_users_without_password(actor=None, people=[("dj654321", worker)])[0]
    access_services.assign_role(actor=None, user=user, role=Role.MANAGER, enterprise=world.b.enterprise)
    with pytest.raises(ValidationError):
        services.give_logins(actor=world.a.manager, people=[worker])
    page = login(world.a.manager).get(reverse("access:logins_give") + f"?person={worker.pk}").content.decode()
    assert "holds a role you may not give" in page
    assert not Activation.objects.filter(user=user).exists()
    # The county's department gives roles at A and B: it gives the code.
    given = services.give_logins(actor=world.county_admin, people=[worker])
    assert given.new_codes == 1
    # A role in another county is beyond it: no code.
    access_services.assign_role(actor=None, user=user, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    with pytest.raises(ValidationError):
        services.give_logins(actor=world.county_admin, people=[worker])
