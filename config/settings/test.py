"""Test settings: fast hashing, tasks run inline, no manifest needed for static files."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test run gets its own checkpoint folder: a checkpoint of a rolled-back test's chain
# must not be compared with the next test's rows. Tests that write checkpoints use tmp_path.
ZHENXING_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="zx-checkpoints-"))
