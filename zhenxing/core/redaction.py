"""Personal numbers inside free text (security.md C2, C7): one pattern, one redaction.

Holds:
- `PERSONAL_DATA`: what an 18-character ID number, a mobile number or a bank account looks like
  when it stands alone among other characters.
- `contains_personal_data(text)` / `redact(text)`: find or blank those values.
- `RedactingFilter`: a logging filter that redacts every record's message before it is written.

Free text (a reason someone typed, a request path, a reference taken from a URL) may hold such a
value at any time; it is redacted, never refused, so a user who types one gets the answer any
other input gets. Structured audit fields are checked with the same pattern and refused
(a programming error must not write personal data into the trail).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[已隐去 redacted]"

# ID numbers (17 digits + check character), mainland mobiles, bank accounts (16–19 digits).
PERSONAL_DATA = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9}|\d{16,19})(?!\d)")


def contains_personal_data(text: str) -> bool:
    return PERSONAL_DATA.search(text) is not None


def redact(text: str) -> str:
    """`户主说新号是13900001111，核对` → `户主说新号是[已隐去 redacted]，核对`."""
    return PERSONAL_DATA.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a log record so that its formatted message carries no personal numbers.

    Django logs the path of every 404 and 500 (`Not Found: /households/110105…/`), so the
    filter sits on the handlers, not on one logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is still written, unformatted
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
