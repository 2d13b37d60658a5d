"""The menu offers only what has something in it for the user: Meetings to those who keep or
read a branch's meetings, and to a worker or an HR manager only once they are invited to one."""

from __future__ import annotations

from django.urls import reverse

from dangjian.branchlife import services as branchlife
from dangjian.testing.branchlife import meeting
from dangjian.testing.factories import UserFactory

MEETINGS = f'href="{reverse("branchlife:list")}"'


def _menu(client) -> str:
    return client.get(reverse("home")).content.decode().split('id="navbar-menu"', 1)[1].split("</ul>", 1)[0]


def test_a_worker_sees_meetings_in_the_menu_only_once_invited(world, login):
    worker = UserFactory(username="worker_a", person=world.a.worker)
    client = login(worker)
    assert MEETINGS not in _menu(client)
    m = meeting(world.a)
    branchlife.invite(actor=world.a.secretary, meeting=m, person=world.a.worker)
    assert MEETINGS in _menu(client)


def test_a_meeting_of_side_b_does_not_bring_the_menu_to_side_as_worker(world, login):
    worker = UserFactory(username="worker_a", person=world.a.worker)
    m = meeting(world.b)
    branchlife.invite(actor=world.b.secretary, meeting=m, person=world.b.worker)
    assert MEETINGS not in _menu(login(worker))


def test_members_and_secretaries_see_meetings_before_any_is_planned(world, login, member_user):
    assert MEETINGS in _menu(login(member_user))
    assert MEETINGS in _menu(login(world.a.secretary))
    assert MEETINGS not in _menu(login(world.a.manager))
