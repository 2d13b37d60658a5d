"""The background delivery of event notifications' copies (e-mail, group-chat robots)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import delivery


@task()
def deliver_task(notification_ids: list[int]) -> dict[str, Any]:
    sent, failed = delivery.deliver(notification_ids)
    return {"emails_sent": sent, "emails_failed": failed}
