"""A meeting's sign-in sheet (签到表) and minutes (会议记录) as PDF, through the one PDF renderer
(dangjian.pdf): the sheet lists the expected members (and the invited) with a column to sign,
the minutes record who came, who was on leave and why, the materials and what was said."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dangjian.pdf import render_template_pdf

from . import selectors
from .models import Attendance, Meeting

SIGN_IN = "sign-in"
MINUTES = "minutes"
KINDS = (SIGN_IN, MINUTES)


def document(meeting: Meeting, kind: str) -> tuple[bytes, str]:
    """The PDF of `kind` for the meeting, and its file name."""
    members, invited = selectors.attendance_of(meeting)
    heading = _("Sign-in sheet") if kind == SIGN_IN else _("Meeting minutes")
    context = {
        "m": meeting,
        "heading": heading,
        "members": members,
        "invited": invited,
        "tally": selectors.tally(members, invited),
        "leave": [a for a in members if a.state == Attendance.State.LEAVE],
        "absent": [a for a in members if a.state == Attendance.State.ABSENT],
    }
    template = "branchlife/print/sign_in.html" if kind == SIGN_IN else "branchlife/print/minutes.html"
    data = render_template_pdf(template, context)
    name = f"{heading}-{meeting.organization.display_name}-{meeting.held_on.isoformat()}.pdf"
    return data, name.replace("/", "-")
