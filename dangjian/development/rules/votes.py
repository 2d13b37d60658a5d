"""Quorum and majority at a branch general meeting (steps 15 and 23)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from .steps import Refusal
from .values import as_count


def vote_problems(data: dict[str, Any], voters: int | None = None, on: dt.date | None = None) -> list[Refusal]:
    """Quorum and majority at a branch general meeting (steps 15 and 23).

    Only full members vote (probationary members have no vote, Party Constitution art. 7), so
    those "entitled" are the full members with voting rights. Those present must be more than
    half of them; yes votes, counting the written opinions of entitled members who could not
    attend (never counted as present), must be more than half of them too.

    With `voters`, the branch's full members on the meeting's day `on`: those entitled cannot be
    more; fewer (members whose voting rights are suspended) needs the reason written down."""
    try:
        entitled = as_count(data["entitled"])
        full = as_count(data.get("full_entitled", data["entitled"]))
        present = as_count(data["present"])
        yes = as_count(data["yes"])
        written = as_count(data.get("written_yes") or 0)
    except (KeyError, TypeError, ValueError):
        return [Refusal("tally", _("Record the tally: full members entitled to vote, present, and yes votes."))]
    if full != entitled:
        return [
            Refusal(
                "tally",
                _(
                    "Probationary members have no vote: the members entitled to vote are the full members with voting "
                    "rights, so the two numbers are the same."
                ),
            )
        ]
    if voters is not None and entitled > voters:
        return [
            Refusal(
                "voters",
                _(
                    "%(entitled)d entitled to vote is more than the %(voters)d full members the branch had on "
                    "%(on)s: count only its full members with voting rights."
                )
                % {"entitled": entitled, "voters": voters, "on": on},
            )
        ]
    if voters is not None and entitled < voters and not str(data.get("fewer_reason") or "").strip():
        return [
            Refusal(
                "fewer_reason",
                _(
                    "The branch had %(voters)d full members on %(on)s and %(entitled)d are entered as entitled to "
                    "vote: write down why the others had no vote (e.g. voting rights suspended)."
                )
                % {"entitled": entitled, "voters": voters, "on": on},
            )
        ]
    if not (0 <= present <= entitled and 0 <= yes <= present and 0 <= written <= entitled - present):
        return [Refusal("tally", _("The tally does not add up: check the numbers entitled, present and voting yes."))]
    refusals = []
    if present * 2 <= entitled:
        refusals.append(
            Refusal(
                "quorum",
                _(
                    "%(present)d of %(entitled)d members entitled to vote were present: not more than half, so the meeting could not vote."
                )
                % {"present": present, "entitled": entitled},
            )
        )
    if (yes + written) * 2 <= full:
        refusals.append(
            Refusal(
                "majority",
                _(
                    "%(yes)d yes votes (written opinions included) of %(full)d full members entitled to vote: not more than half, so the vote did not pass."
                )
                % {"yes": yes + written, "full": full},
            )
        )
    return refusals
