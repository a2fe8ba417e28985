"""Copy the front-end packages installed by `npm ci` into the static source folder.

Only the files the pages use are copied; nothing is fetched from the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhenxing.core import fonts

ICONS = "bootstrap-icons/font"
ASSETS = {
    "bootstrap/dist/css/bootstrap.min.css": "vendor/bootstrap/css/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "vendor/bootstrap/js/bootstrap.bundle.min.js",
    # The minified files name their source maps; the manifest storage checks they exist.
    "bootstrap/dist/css/bootstrap.min.css.map": "vendor/bootstrap/css/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": (
        "vendor/bootstrap/js/bootstrap.bundle.min.js.map"
    ),
    f"{ICONS}/bootstrap-icons.min.css": f"vendor/{ICONS}/bootstrap-icons.min.css",
    f"{ICONS}/fonts": f"vendor/{ICONS}/fonts",
    "echarts/dist/echarts.min.js": "vendor/echarts/echarts.min.js",
}


class Command(BaseCommand):
    help = "复制前端依赖到静态目录 / Copy npm front-end packages into static_build/"

    def handle(self, *args: Any, **options: Any) -> None:
        modules = Path(settings.BASE_DIR) / "node_modules"
        target = Path(settings.STATICFILES_DIRS[0])
        for source, dest in ASSETS.items():
            src = modules / source
            if not src.exists():
                raise CommandError(
                    f"缺少 {src}，请先运行 npm ci / missing {src}: run `npm ci` first"
                )
            out = target / dest
            out.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, out, dirs_exist_ok=True)
            else:
                shutil.copy2(src, out)
        try:
            fonts.vendor(modules, target)
        except FileNotFoundError as exc:
            raise CommandError(
                f"缺少 {exc}，请先运行 npm ci / missing {exc}: run `npm ci` first"
            ) from exc
        self.stdout.write(f"前端资源已就绪 / front-end assets copied to {target}")
