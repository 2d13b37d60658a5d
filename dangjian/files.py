"""Files people attach to records — a development step's scanned papers, a meeting's minutes and
photos — kept sealed like the personal data in them, each storing and each opening audited.
A model of such files is a `SealedFile`: `file_name`, `content_type`, `size` and `sealed_file`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.people.crypto import open_bytes, seal_bytes

if TYPE_CHECKING:
    from dangjian.access.models import User

MAX_FILE_BYTES = 20 * 1024 * 1024

Upload = tuple[str, bytes, str]  # name, bytes, content type: as ui.forms.uploaded gives them


class SealedFile(models.Model):
    """The fields of a file kept sealed at rest (a step's papers, a meeting's minutes, a visit's
    photos): the record it belongs to is the subclass's foreign key."""

    file_name = models.CharField(gettext_lazy("file name"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(gettext_lazy("size"), default=0)
    sealed_file = models.BinaryField(default=b"", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.file_name


def store_sealed(model: type[models.Model], files: Sequence[Upload], actor: User | None, **owner: Any) -> None:
    """Keep each file as a sealed `model` row of `owner` (e.g. step=…, meeting=…). Called inside
    the writing service's transaction: a file too large refuses the whole write."""
    for name, data, content_type in files:
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError(_("A file may be at most 20 MB; “%(name)s” is larger.") % {"name": name})
        doc: Any = model._default_manager.create(  # a model of sealed files (see above)
            file_name=name[-255:],
            content_type=content_type[:100],
            size=len(data),
            sealed_file=seal_bytes(data),
            **owner,
        )
        audit.record(actor=actor, action=Action.CREATE, obj=doc, changes={"file": doc.file_name, "size": doc.size})


@audit.write_transaction
def opened(*, actor: User | None, document: Any) -> bytes:
    """A file's bytes for a caller that checked the scope; each opening is recorded."""
    audit.record(
        actor=actor, action=Action.EXPORT, obj=document, changes={"file": document.file_name, "size": document.size}
    )
    return open_bytes(bytes(document.sealed_file))
