"""The democratic appraisal in the admin, read-only: rounds and their rolls are written through
the services (the steps, the cap, the meeting's confirmation), never by hand. The rating's
ballots are the ballot engine's and are not listed anywhere (ballots.models)."""

from __future__ import annotations

from django.contrib import admin

from dangjian.ui.admin import ReadOnlyModelAdmin

from .models import Participant, Round


@admin.register(Round)
class RoundAdmin(ReadOnlyModelAdmin):
    list_display = ("organization", "year", "step", "proposed_on", "confirmed_on")
    list_filter = ("step", "year")
    list_select_related = ("organization",)
    search_fields = ("organization__name",)
    readonly_fields = (
        "organization", "year", "step", "self_until", "mutual_until", "vote_until", "meeting_on",
        "poll", "proposed_on", "confirmed_on",
    )  # fmt: skip


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyModelAdmin):
    list_display = ("person", "round", "part", "self_written_on", "proposed_grade", "grade")
    list_filter = ("part", "grade")
    list_select_related = ("person", "round__organization")
    search_fields = ("person__name", "round__organization__name")
    readonly_fields = ("round", "person", "part", "self_written_on", "proposed_grade", "grade", "follow_up")
