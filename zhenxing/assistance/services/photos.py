"""Visit photos: checked by the upload guards, stored privately (never under MEDIA_ROOT)."""

from __future__ import annotations

import os
import stat
import uuid
from typing import IO

from zhenxing.core.uploads import MAX_IMAGE_BYTES, check_image, private_root
from zhenxing.households.models import Household

AREA = "visit-photos"


def photo_store(photo: IO[bytes], *, name: str, household: Household) -> str:
    """Check and store a photo; returns its name under the private area."""
    suffix = check_image(photo, name=name, max_bytes=MAX_IMAGE_BYTES)
    relative = f"{household.county_code}/{uuid.uuid4().hex}{suffix}"
    path = private_root(AREA) / relative
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    photo.seek(0)
    with os.fdopen(fd, "wb") as fh:
        while chunk := photo.read(1 << 16):
            fh.write(chunk)
    return relative
