"""Branch ratings as a county runs them: the built-in 三好 scheme and a county's own (weights that
do not add up refused with their sum), a round whose counted criteria are read as of its date and
kept, the branch's, the instructor's and the county's scores, the closing with results and
certificates, and who may see and score what (side B and another county reach nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dangjian.access import services as access_services
from dangjian.access.models import Role
from dangjian.audit.models import Action, AuditEvent
from dangjian.guidance import services as guidance
from dangjian.guidance.models import Candidate, Criterion, FollowUp, Method, RatingRound, Reviewer, Score
from dangjian.guidance.ratings import selectors, services
from dangjian.testing.factories import UserFactory
from dangjian.testing.guidance import COUNTED_ON, candidate_of, instructor_of, round_of, three_good, visit_of

EN = {"django_language": "en"}


@pytest.fixture(autouse=True)
def english():
    """The services' refusals read in English here (the pages set their language by cookie)."""
    with translation.override("en"):
        yield


def _scores(candidate, points):
    """Every reviewed criterion scored `points` × its weight, with a note."""
    return {
        c.pk: (Decimal(c.weight) * Decimal(points), "看了台账")
        for c in candidate.round.scheme.criteria.filter(method=Method.REVIEWED)
    }


def test_the_built_in_three_good_scheme_weighs_100_points_in_its_three_goods(world):
    scheme = three_good()
    criteria = list(scheme.criteria.all())
    assert sum(c.weight for c in criteria) == 100
    assert {c.group for c in criteria} == {"班子好", "机制好", "成效好"}
    assert scheme in selectors.schemes_for(world.county) and scheme in selectors.schemes_for(world.outsider_county)


def test_a_scheme_whose_weights_do_not_add_up_is_refused_with_the_sum(world, login):
    client = login(world.county_admin)
    client.cookies.load(EN)
    url = f"{reverse('guidance:scheme_new')}?org={world.county.pk}"
    rows = {
        "name": "五好党支部",
        "title": "五好党支部",
        "c0-name": "班子",
        "c0-weight": "60",
        "c0-method": "reviewed",
        "c1-name": "会议",
        "c1-weight": "35",
        "c1-method": "counted",
        "c1-measure": "meetings",
    }
    page = client.post(url, rows).content.decode()
    assert "The weights add up to 95 points; they must add up to 100. Change them by +5." in page
    assert not world.county.rating_schemes.exists()
    rows["c1-weight"] = "40"
    response = client.post(url, rows)
    scheme = world.county.rating_schemes.get()
    assert response.status_code == 302 and [c.target for c in scheme.criteria.all()] == [None, 100]
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="guidance.RatingScheme").exists()
    # The other county is not offered it; a scheme a round used keeps its criteria.
    assert scheme not in selectors.schemes_for(world.outsider_county)
    services.open_round(actor=None, scheme=scheme, organization=world.county, year=2026, counted_on=COUNTED_ON)
    with pytest.raises(ValidationError, match="A round has used this scheme"):
        services.save_scheme(
            actor=None,
            organization=world.county,
            scheme=scheme,
            name=scheme.name,
            title=scheme.title,
            criteria=[{"name": "全部", "weight": 100, "method": "reviewed"}],
        )


def test_a_round_is_refused_a_day_to_come_or_another_year(world):
    today = dt.date(2026, 6, 1)
    with pytest.raises(ValidationError, match="a day that has come"):
        round_of(world, counted_on=dt.date(2026, 6, 2), today=today)
    with pytest.raises(ValidationError, match="as of a day in 2025"):
        round_of(world, year=2025, counted_on=dt.date(2026, 5, 1), today=today)
    assert not RatingRound.objects.exists()


def test_counted_criteria_read_the_records_as_of_the_round_date_and_never_change(world):
    instructor = instructor_of(world.a)
    visit = visit_of(world.a, instructor, on=dt.date(2026, 3, 2))
    item = guidance.add_follow_up(
        actor=instructor, visit=visit, problem="制度未上墙", owner=world.a.secretary, due_on=dt.date(2026, 4, 1)
    )
    # Closed after the round's date: as of that date it was still open.
    guidance.close_follow_up(
        actor=world.a.secretary, item=item, note="已上墙", closed_on=dt.date(2026, 7, 10), today=dt.date(2026, 12, 1)
    )
    candidate = candidate_of(world, world.a)
    follow = Score.objects.get(candidate=candidate, criterion__measure="follow_ups")
    assert follow.basis == {"due": 1, "closed": 0, "as_of": "2026-06-30"} and follow.points == 0
    coverage = Score.objects.get(candidate=candidate, criterion__measure="coverage")
    assert coverage.basis["teams"] == 1 and coverage.basis["covered"] == 0 and coverage.points == 0
    before = list(Score.objects.filter(candidate=candidate).values_list("criterion_id", "points", "basis"))
    # Another problem due before the date, closed in time: the kept scores do not move.
    item2 = guidance.add_follow_up(
        actor=instructor, visit=visit, problem="台账不全", owner=world.a.secretary, due_on=dt.date(2026, 5, 1)
    )
    guidance.close_follow_up(actor=world.a.secretary, item=item2, note="已补", closed_on=dt.date(2026, 4, 20))
    assert list(Score.objects.filter(candidate=candidate).values_list("criterion_id", "points", "basis")) == before
    # A branch added afterwards reads the records as they now stand for that same day.
    other = services.add_candidates(actor=None, round=candidate.round, branches=[world.b.branch])[0]
    assert Score.objects.get(candidate=other, criterion__measure="follow_ups").basis["due"] == 0


def test_the_branch_its_instructor_and_the_county_score_and_the_county_closes(world, login):
    instructor = instructor_of(world.a)
    candidate = candidate_of(world, world.a)
    reviewed = list(candidate.round.scheme.criteria.filter(method=Method.REVIEWED))
    url = reverse("guidance:candidate", args=[candidate.pk])

    def post(user, points, note="看了台账"):
        client = login(user)
        client.cookies.load(EN)
        data = {}
        for c in reviewed:
            data[f"c{c.pk}"] = str(points if points is not None else c.weight)
            data[f"n{c.pk}"] = note
        return client.post(url, data)

    assert post(world.a.secretary, None).status_code == 302
    assert post(instructor, 10).status_code == 302
    # Beyond the weight, or without a note: refused, nothing saved.
    page = post(world.county_admin, 99).content.decode()
    assert "is scored from 0 to 25 points; 99.0 is outside" in page
    page = post(world.county_admin, 10, note=" ").content.decode()
    assert "a score has a note" in page
    assert not Score.objects.filter(candidate=candidate, reviewer=Reviewer.COUNTY).exists()
    assert post(world.county_admin, None).status_code == 302
    by = dict(Score.objects.filter(candidate=candidate, criterion=reviewed[0]).values_list("reviewer", "points"))
    assert by == {"self": 25, "instructor": 10, "county": 25}
    candidate.refresh_from_db()
    counted = sum(Score.objects.filter(candidate=candidate, reviewer="").values_list("points", flat=True))
    assert candidate.total == counted + sum(c.weight for c in reviewed)
    # The manager reads the sheet but scores nothing.
    client = login(world.a.manager)
    assert client.get(url).status_code == 200
    assert post(world.a.manager, 1).status_code == 403
    # The county closes: the result follows the pass mark.
    rnd = candidate.round
    services.close_round(actor=world.county_admin, round=rnd, today=dt.date(2026, 12, 1))
    candidate.refresh_from_db()
    expected = Candidate.Result.AWARDED if candidate.total >= rnd.pass_mark else Candidate.Result.NOT_AWARDED
    assert candidate.result == expected
    # A closed round's scores no longer change.
    page = post(world.county_admin, 0).content.decode()
    assert "closed on 2026-12-01" in page
    assert Score.objects.get(candidate=candidate, criterion=reviewed[0], reviewer="county").points == 25


def test_an_awarded_branch_gets_its_certificate_and_the_print_is_recorded(world, login):
    candidate = candidate_of(world, world.a)
    rnd = candidate.round
    RatingRound.objects.filter(pk=rnd.pk).update(pass_mark=Decimal("10"))
    rnd.refresh_from_db()
    services.score(
        actor=world.county_admin, candidate=candidate, reviewer=Reviewer.COUNTY, scores=_scores(candidate, 1)
    )
    services.close_round(actor=world.county_admin, round=rnd, today=dt.date(2026, 12, 1))
    candidate.refresh_from_db()
    assert candidate.result == Candidate.Result.AWARDED and candidate.certificate_no == f"2026-{rnd.pk:03d}-001"
    client = login(world.a.secretary)
    response = client.get(reverse("guidance:certificate", args=[candidate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(candidate.pk)).exists()
    page = client.get(reverse("guidance:candidate", args=[candidate.pk])).content.decode()
    assert "data-certificate" in page
    # The secretary was told.
    assert world.a.secretary.notifications.filter(key=f"rating:{candidate.pk}").exists()


def test_a_round_is_closed_only_once_the_county_scored_every_candidate(world):
    rnd = round_of(world)
    with pytest.raises(ValidationError, match="no candidates"):
        services.close_round(actor=None, round=rnd, today=dt.date(2026, 12, 1))
    a = candidate_of(world, world.a, rnd)
    candidate_of(world, world.b, rnd)
    services.score(actor=world.county_admin, candidate=a, reviewer=Reviewer.COUNTY, scores=_scores(a, 1))
    with pytest.raises(ValidationError, match="yet to score 1 candidates: B公司党支部"):
        services.close_round(actor=None, round=rnd, today=dt.date(2026, 12, 1))
    rnd.refresh_from_db()
    assert rnd.status == RatingRound.Status.OPEN


def test_a_counted_criterion_is_not_scored_by_hand(world):
    candidate = candidate_of(world, world.a)
    counted = candidate.round.scheme.criteria.filter(method=Method.COUNTED).first()
    with pytest.raises(ValidationError) as exc:
        services.score(
            actor=None,
            candidate=candidate,
            reviewer=Reviewer.COUNTY,
            scores={counted.pk: (5, "x")},
            by=world.county_admin,
        )
    assert "counted from the records" in str(exc.value)


def test_side_b_and_another_county_reach_nothing_of_side_a(world, login):
    instructor_b = instructor_of(world.b)
    candidate = candidate_of(world, world.a)
    url = reverse("guidance:candidate", args=[candidate.pk])
    for user in (world.b.secretary, world.b.manager, instructor_b):
        assert login(user).get(url).status_code == 404, user
    other_admin = UserFactory(username="yanqi_admin")
    access_services.assign_role(
        actor=None, user=other_admin, role=Role.ORG_DEPARTMENT, organization=world.outsider_county
    )
    client = login(other_admin)
    assert client.get(url).status_code == 404
    assert client.get(reverse("guidance:round", args=[candidate.round_id])).status_code == 404
    assert client.get(f"{reverse('guidance:round_new')}?org={world.county.pk}").status_code == 404
    # The branch's own secretary reads it; an ordinary member does not.
    assert login(world.a.secretary).get(url).status_code == 200
    assert not selectors.visible_candidates(world.b.secretary).exists()


def test_the_county_opens_a_round_and_adds_branches_on_its_pages(world, login):
    client = login(world.county_admin)
    client.cookies.load(EN)
    page = client.get(f"{reverse('guidance:ratings')}?org={world.county.pk}").content.decode()
    assert "三好党支部" in page and "New round" in page
    response = client.post(
        f"{reverse('guidance:round_new')}?org={world.county.pk}",
        {"scheme": three_good().pk, "year": "2026", "counted_on": "2026-06-30", "pass_mark": "85"},
    )
    rnd = RatingRound.objects.get()
    assert response["Location"] == reverse("guidance:round", args=[rnd.pk])
    page = client.get(response["Location"]).content.decode()
    assert "A公司党支部" in page and "B公司党支部" in page
    client.post(response["Location"], {"branches": [world.a.branch.pk, world.b.branch.pk]})
    assert rnd.candidates.count() == 2
    counted = Criterion.objects.filter(scheme=rnd.scheme, method=Method.COUNTED).count()
    assert Score.objects.filter(candidate__round=rnd, reviewer="").count() == 2 * counted
    # A secretary cannot open rounds.
    assert login(world.a.secretary).get(f"{reverse('guidance:round_new')}").status_code in (403, 404)
    assert not FollowUp.objects.exists()


def test_the_roll_up_counts_this_years_rated_branches_and_opens_the_list_behind(world, login):
    from dangjian.guidance import rollups

    today = dt.date.today()
    rnd = services.open_round(
        actor=None, scheme=three_good(), organization=world.county, year=today.year, counted_on=today, pass_mark=10
    )
    a, b = (services.add_candidates(actor=None, round=rnd, branches=[s.branch])[0] for s in (world.a, world.b))
    services.score(actor=None, candidate=a, reviewer=Reviewer.COUNTY, scores=_scores(a, 1))
    services.score(actor=None, candidate=b, reviewer=Reviewer.COUNTY, scores=_scores(b, 0))
    RatingRound.objects.filter(pk=rnd.pk).update(pass_mark=a.__class__.objects.get(pk=a.pk).total)
    services.close_round(actor=None, round=rnd, today=today)
    r = rollups.rollup(world.county, today)
    assert (r.total.rating_candidates, r.total.rated) == (2, 1)
    (park,) = [row for row in r.rows if row.org_id == world.park.pk]
    assert (park.figures.rating_candidates, park.figures.rated) == (2, 1)
    client = login(world.county_admin)
    page = client.get(reverse("guidance:rollup") + f"?org={world.county.pk}").content.decode()
    link = reverse("guidance:ratings") + f"?under={world.park.pk}#under"
    assert link in page
    listed = client.get(link.split("#")[0]).content.decode()
    assert listed.count('data-result="awarded"') == 1 and 'data-under="2"' in listed
    # Another county's organisation department lists nothing under Hejing's park.
    other = UserFactory(username="yanqi_od2")
    access_services.assign_role(actor=None, user=other, role=Role.ORG_DEPARTMENT, organization=world.outsider_county)
    assert login(other).get(link.split("#")[0]).status_code == 404


def test_a_rounds_page_runs_the_same_queries_however_many_candidates(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rnd = round_of(world)
    client = login(world.county_admin)
    url = reverse("guidance:round", args=[rnd.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q.captured_queries)

    services.add_candidates(actor=None, round=rnd, branches=[world.a.branch])
    one = count()
    services.add_candidates(actor=None, round=rnd, branches=[world.b.branch])
    assert count() == one


def test_the_committees_ratings_page_runs_the_same_queries_however_many_rounds(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.county_admin)
    url = reverse("guidance:ratings") + f"?org={world.county.pk}"

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q.captured_queries)

    candidate_of(world, world.a, round_of(world, year=2025, counted_on=dt.date(2025, 6, 30)))
    one = count()
    candidate_of(world, world.b, round_of(world))
    assert count() == one


def test_the_appraisal_criterion_counts_the_share_of_good_grades_and_zero_when_none_was_held(world):
    """A committee may count a branch's democratic appraisal (the year's, or last year's held in
    the first months of this one): the share of graded members excellent or qualified; a branch
    that held none, or whose general meeting has not confirmed it yet, scores nothing."""
    from django.utils import timezone

    from dangjian.appraisal import services as appraisal_services
    from dangjian.guidance.models import Measure
    from dangjian.guidance.ratings import measures
    from dangjian.testing import appraisal as appraisal_scene

    today = timezone.localdate()
    assert measures.read(Measure.APPRAISAL, world.a.branch, today).figure == Decimal(0)
    appraisal_scene.members(world.a, full=2)
    last_year = appraisal_scene.round_of(world.a, year=today.year - 1)
    appraisal_scene.counted(last_year)
    assert measures.read(Measure.APPRAISAL, world.a.branch, today).basis == {"held": False}  # proposed only
    graded = appraisal_scene.all_grades(last_year)
    graded[next(iter(graded))] = "basic"
    appraisal_services.propose_grades(actor=None, round=last_year, grades=graded)
    appraisal_services.confirm(actor=None, round=last_year)
    reading = measures.read(Measure.APPRAISAL, world.a.branch, today)
    assert reading.basis == {"held": True, "graded": 4, "good": 3}
    assert reading.figure == Decimal("75.0")
    assert measures.read(Measure.APPRAISAL, world.b.branch, today).figure == Decimal(0)  # side B held none
