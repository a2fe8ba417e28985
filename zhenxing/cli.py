"""The `zhenxing` command: Django's management commands under one name.

Commands are spelled with hyphens (`zhenxing audit-verify`), as the README lists them and as
`zhenxing --help` prints them; the underscore spelling Django uses (`audit_verify`) works too.
"""

from __future__ import annotations

import os
import re
import sys

_COMMAND_LINE = re.compile(r"^(\s*)([a-z0-9_]+)$")


def _hyphens(name: str) -> str:
    return name.replace("_", "-")


def _underscores(name: str) -> str:
    return name.replace("-", "_")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import BaseCommand, ManagementUtility

    class Utility(ManagementUtility):
        def main_help_text(self, commands_only: bool = False) -> str:
            text = super().main_help_text(commands_only)
            lines = []
            for line in text.splitlines():
                match = _COMMAND_LINE.match(line)
                if match and (commands_only or match[1]):
                    line = match[1] + _hyphens(match[2])
                lines.append(line)
            return "\n".join(lines)

        def fetch_command(self, subcommand: str) -> BaseCommand:
            return super().fetch_command(_underscores(subcommand))

    argv = list(sys.argv)
    argv[0] = "zhenxing"
    Utility(argv).execute()


if __name__ == "__main__":
    main()
