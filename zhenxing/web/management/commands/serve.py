"""Run the web server and the background-job worker together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from waitress import serve

from config.wsgi import application
from zhenxing.core import schedule


def waitress_options(host: str, port: int, threads: int) -> dict[str, Any]:
    """Arguments of `waitress.serve`/`create_server`.

    Waitress's own proxy support trusts a single address and otherwise deletes the forwarded
    headers; here they are passed on, and `zhenxing.core.proxy.TrustedProxyMiddleware` decides
    per request whether the peer is one of `ZHENXING_TRUSTED_PROXIES` (security.md R4).
    """
    return {
        "host": host,
        "port": port,
        "threads": threads,
        "ident": "zhenxing",
        # Refuse bodies above the upload cap before Django buffers them (security E2).
        "max_request_body_size": settings.ZHENXING_MAX_REQUEST_BYTES,
        "clear_untrusted_proxy_headers": False,
    }


class Command(BaseCommand):
    help = "启动网站与后台任务 / Serve the site and run the background-job worker"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        stop_schedule = threading.Event()
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "zhenxing.cli", "db_worker"])
            # The daily audit checkpoint and retention run, done by the worker (C5, C6).
            schedule.start(stop_schedule)

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        threads = options["threads"]
        url = f"http://{options['host']}:{options['port']}/"
        if settings.SECURE_SSL_REDIRECT and not settings.ZHENXING_TRUSTED_PROXIES:
            self.stderr.write(
                "ZHENXING_SECURE=1 但未设置 ZHENXING_TRUSTED_PROXIES：经反向代理的请求会被重定向 / "
                "ZHENXING_SECURE=1 without ZHENXING_TRUSTED_PROXIES: proxied requests will be "
                "redirected to HTTPS again"
            )
        self.stdout.write(f"振兴 Zhenxing: {url}  (Ctrl-C 停止 / to stop)")
        try:
            serve(application, **waitress_options(options["host"], options["port"], threads))
        except KeyboardInterrupt:
            pass
        finally:
            stop_schedule.set()
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("已停止 / stopped")
