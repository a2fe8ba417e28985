"""Domain errors that carry a machine-readable code and a message in Chinese and English.

Every domain defines an enum of its codes; each member holds its Chinese and English message
templates, so a screen, an API answer and an import report all say the same thing.
"""

from __future__ import annotations

import enum
from typing import Any

from zhenxing.core.redaction import redact


class ErrorCode(enum.Enum):
    """Base for `<Domain>ErrorCode` enums: value = (code, zh template, en template)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code = code
        self.zh = zh
        self.en = en


class DomainError(Exception):
    """A rule refused the input. `field` and `row` locate it for forms and import reports."""

    def __init__(
        self,
        error: ErrorCode,
        /,
        *,
        field: str | None = None,
        row: int | None = None,
        **params: Any,
    ) -> None:
        code = error
        self.code = error
        self.field = field
        self.row = row
        self.params = params
        self.message_zh = code.zh.format(**params)
        self.message_en = code.en.format(**params)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Both languages, Chinese first, as shown to users."""
        return f"{self.message_zh} / {self.message_en}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.code,
            "field": self.field,
            "row": self.row,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


class NotInScope(Exception):
    """The actor asked for an object it may not see; the caller answers 404 and audits it."""

    def __init__(self, object_type: str, object_ref: str) -> None:
        self.object_type = object_type
        # The reference comes from a URL or a form and may be a typed ID or phone number (C7).
        self.object_ref = redact(str(object_ref))
        super().__init__(f"{object_type} {object_ref} not in scope")
