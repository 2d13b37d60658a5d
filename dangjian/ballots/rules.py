"""Pure rules of the ballot engine: codes and their digests, the shape of a valid choice, the
digest of a set of ballots and the ranking of a tally. No database here."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence

# Codes are read off paper and typed on phones: Crockford's base-32 without I, L, O, U.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 12  # 60 bits: unguessable, short enough to copy down
SHEET_LENGTH = 16  # 80 bits: the code alone opens a ballot, so longer


def new_code(length: int) -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normalise_code(code: str) -> str:
    """A code as typed (any case, spaces or dashes, O for 0, I/L for 1) in its printed form."""
    cleaned = code.upper().replace("O", "0").replace("I", "1").replace("L", "1")
    raw = "".join(c for c in cleaned if c in _ALPHABET)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def digest_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def ballots_digest(ballots: Iterable[tuple[str, Sequence[tuple[int, int | None]]]]) -> str:
    """One fingerprint of a set of ballots: each ballot's marks (question, option or none),
    sorted, so the same ballots give the same digest in any order they are read."""
    lines = sorted(
        ";".join(f"{q}:{'' if o is None else o}" for q, o in sorted(marks, key=lambda m: m[0]))
        for _key, marks in ballots
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def ranked(votes: Mapping[int, int], quota: int) -> list[tuple[int, int, int, bool]]:
    """Options by votes, most first: (option, votes, rank, tied at the quota's edge). Equal votes
    share a rank; `tied` marks the options sharing the rank on which the quota runs out, when
    they do not all fit (who gets the place is then the committee's decision)."""
    order = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    out: list[tuple[int, int, int, bool]] = []
    rank = 0
    previous: int | None = None
    for position, (option, count) in enumerate(order, start=1):
        if count != previous:
            rank, previous = position, count
        out.append((option, count, rank, False))
    for i, (option, count, rank, _t) in enumerate(out):
        same = [o for o in out if o[2] == rank]
        last = rank + len(same) - 1
        if count > 0 and rank <= quota < last:
            out[i] = (option, count, rank, True)
    return out
