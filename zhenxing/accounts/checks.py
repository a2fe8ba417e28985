from __future__ import annotations

from typing import Any

from django.core import checks

from zhenxing.accounts.access import unclassified_views


@checks.register(checks.Tags.security)
def every_view_is_classified(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """B2: a view that is neither scoped nor exempt with a reason fails `manage.py check`."""
    return [
        checks.Error(
            f"View {route} is not marked @scoped or @exempt(reason=...)",
            id="zhenxing.E001",
        )
        for route in unclassified_views()
    ]
