"""Reading the files a customer attaches to a form: count, size and type are checked before anything is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from soridam.cases.uploads import Upload, UploadRefused, check_upload, check_upload_count


def read_uploads(files: Sequence[UploadedFile]) -> list[Upload]:
    """Each file checked by its content (``check_upload``); UploadRefused names the first bad one."""
    check_upload_count(len(files))
    return [_read_one(file) for file in files]


def _read_one(file: UploadedFile) -> Upload:
    name = file.name or ""
    limit = settings.SORIDAM_MAX_ATTACHMENT_BYTES
    # Read at most one byte over the limit: enough for check_upload to refuse it, without loading a huge file.
    file.seek(0)
    content = file.read(limit + 1)
    return check_upload(name, content)


class MultipleFileInput(forms.FileInput):
    """A file input with ``multiple``; Django reads it with ``FILES.getlist``."""

    allow_multiple_selected = True


class AttachmentsField(forms.Field):
    """A multiple file input whose cleaned value is a list of checked ``Upload``s (possibly empty)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[Upload]:
        files = [file for file in value or [] if isinstance(file, UploadedFile)]
        try:
            return read_uploads(files)
        except UploadRefused as refused:
            raise forms.ValidationError(str(refused), code="upload_refused") from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial  # a browser never re-sends files: the customer attaches them again

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)
