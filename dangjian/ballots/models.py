"""The ballot engine (ROADMAP C6, DOMAIN.md §5): one person, one vote per question, secret and
verifiable. A pacesetter round's vote is a poll; the democratic appraisal's anonymous 测评 will be
another.

Secrecy is in the shape of the tables (docs/selections.md, "Secrecy"):
- the voter roll (`Voter`: who may vote, whether they have) and the ballots (`Ballot`, `Mark`:
  what was chosen) are apart: no key, time, sequence or code links a ballot to its voter;
- a ballot's and a mark's key is a random UUID (version 4), so ordering by key says nothing of
  the order of voting; neither has a time; a ballot keeps only the digest of its receipt code,
  which only the voter was shown;
- the roll keeps no time either, nor the way someone voted (on a phone, by sheet, on paper);
- the audit log records that a voter voted (an update of their roll row), never what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.people.models import Person
from dangjian.text import NO_NUL


class PollState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    COUNTED = "counted", _("counted")


class Poll(models.Model):
    """One vote: its questions, its roll and, once counted, its tally."""

    title = models.CharField(_("title"), max_length=200, validators=[NO_NUL])
    # The organising organisation's path, for the audit log's reach (who reads that someone voted).
    org_path = models.CharField(max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=PollState.choices, default=PollState.OPEN)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    # Paper ballots: how many voters handed one in (marked on the roll by a teller) and how many
    # sheets the tellers have agreed on; the count waits until the two are equal.
    paper_handed = models.PositiveIntegerField(_("paper ballots handed in"), default=0)
    # The count as stored when it was made: {"turnout": n, "roll": n, "questions": {qid: {oid|"": n}}},
    # and a digest of every ballot counted, so anyone may count again and compare (selectors.recount).
    tally = models.JSONField(_("tally"), default=dict, blank=True)
    digest = models.CharField(_("digest of the ballots"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.org_path


class Question(models.Model):
    """A question of a poll (a category of a pacesetter round); `ref` names what it stands for."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("question"), max_length=200)
    ref = models.CharField(max_length=40, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("choices at most"), default=1)

    class Meta:
        ordering = ["poll", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label


class Option(models.Model):
    """An answer to a question (a nominee); `ref` names what it stands for."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=200)
    ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.label


class Voter(models.Model):
    """A line of the voter roll: who may vote and whether they have. No time, no way of voting,
    nothing of the ballot. `sheet_code` is the digest of the one-time code printed on their
    ballot sheet, if one was printed (blank once used or never printed)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey(Person, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+")
    voted = models.BooleanField(_("has voted"), default=False)
    sheet_code = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voter roll")
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="ballots_one_line_per_voter")]
        indexes = [models.Index(fields=["sheet_code"], name="ballots_voter_sheet_code")]

    def __str__(self) -> str:
        return str(self.person)

    def audit_org_path(self) -> str:
        return self.poll.org_path


class Ballot(models.Model):
    """A cast ballot: a random key, its poll and the digest of its receipt code. No voter, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["receipt"], name="ballots_ballot_receipt")]

    def __str__(self) -> str:
        return str(self.id)


class Mark(models.Model):
    """What a ballot chose for one question: an option, or none (a blank for that question)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")

    def __str__(self) -> str:
        return str(self.id)


class PaperEntry(models.Model):
    """One teller's reading of one paper ballot sheet (by its printed number). Two tellers enter
    each sheet; when their readings agree the ballot is stored (with nothing of the entries)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_entries")
    sheet_no = models.PositiveIntegerField(_("sheet number"))
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("teller"), on_delete=models.PROTECT)
    choices = models.JSONField(_("choices"), default=dict)
    agreed = models.BooleanField(_("agreed"), default=False)
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        constraints = [
            models.UniqueConstraint(fields=["poll", "sheet_no", "teller"], name="ballots_one_entry_per_teller"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} #{self.sheet_no}"

    def audit_org_path(self) -> str:
        return self.poll.org_path
