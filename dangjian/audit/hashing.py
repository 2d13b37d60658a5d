"""What an audit event and a seal are hashed and keyed over (docs/architecture.md, "The audit log").

- `hash` of an event: SHA-256 of its canonical JSON, which includes its id (so two events cannot
  swap places unnoticed). Events of the old chain (before seals) were hashed without their id
  and with `prev_hash`; `canonical` still reads them that way.
- `mac`: HMAC-SHA256 of a hash under the audit key. The key is derived from
  settings.AUDIT_KEY (default: FIELD_ENCRYPTION_KEY), which lives in the environment or in
  var/, never in the database: whoever holds only the database can recompute every hash but
  not one MAC.
- A seal's `root`: the Merkle tree head (RFC 6962: leaves 0x00‖data, nodes 0x01‖left‖right) over
  its events, in id order, each leaf "id:hash".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from .models import AuditEvent, AuditSeal

GENESIS = "0" * 64


def canonical(event: AuditEvent) -> str:
    payload: dict[str, Any] = {
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "source": event.source,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "org_path": event.org_path,
        "ip": event.ip,
    }
    if event.prev_hash:  # the old chain's events
        payload["prev_hash"] = event.prev_hash
    else:
        payload["id"] = event.pk
    return dumps(payload)


def dumps(payload: dict[str, Any]) -> str:
    """The canonical JSON of an event's payload: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(event: AuditEvent) -> str:
    return hash_payload_text(canonical(event))


def hash_payload(payload: dict[str, Any]) -> str:
    """The hash of a new event given as its payload (`canonical`'s keys, with its id): what
    `compute_hash` gives once it is stored."""
    return hash_payload_text(dumps(payload))


def hash_payload_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit_key() -> bytes:
    secret = getattr(settings, "AUDIT_KEY", "") or settings.FIELD_ENCRYPTION_KEY
    return hmac.new(secret.encode("utf-8"), b"dangjian audit mac v1", hashlib.sha256).digest()


def key_id(key: bytes | None = None) -> str:
    """Names the key without revealing it: a seal says which key made its MAC."""
    return hashlib.sha256(b"key id|" + (key or audit_key())).hexdigest()[:16]


def mac(value: str, key: bytes | None = None) -> str:
    return hmac.new(key or audit_key(), value.encode("ascii"), hashlib.sha256).hexdigest()


def leaf(event_id: int, event_hash: str) -> bytes:
    return hashlib.sha256(b"\x00" + f"{event_id}:{event_hash}".encode("ascii")).digest()


def merkle_root(leaves: Sequence[bytes]) -> str:
    """RFC 6962's Merkle tree head: pairing level by level and carrying an odd last node up
    unchanged gives the same tree as its split at the largest power of two."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = list(leaves)
    while len(level) > 1:
        paired = [hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def seal_payload(seal: AuditSeal) -> str:
    payload = {
        "sealed_at": seal.sealed_at.astimezone(dt.UTC).isoformat(),
        "ids": seal.ids,
        "count": seal.count,
        "root": seal.root,
        "prev": seal.prev,
        "key_id": seal.key_id,
        "floor": seal.floor,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def seal_hash(seal: AuditSeal) -> str:
    return hashlib.sha256(seal_payload(seal).encode("utf-8")).hexdigest()


# --- id ranges: "1-500,502,504-900" ----------------------------------------------------------


def to_ranges(ids: Iterable[int]) -> str:
    parts: list[str] = []
    start = prev = None
    for n in sorted(ids):
        if start is None:
            start = prev = n
        elif n == prev + 1:  # type: ignore[operator]
            prev = n
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ",".join(parts)


def from_ranges(text: str) -> list[tuple[int, int]]:
    spans = []
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        spans.append((int(low), int(high or low)))
    return spans
