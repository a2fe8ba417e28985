# Two commands do everything: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

.PHONY: demo test install uv lint typecheck migrations-check pytest serve messages bench clean

demo: install
	$(RUN) zhenxing migrate --noinput
	$(RUN) zhenxing demo $(DEMO_ARGS)

test: install lint typecheck migrations-check pytest

install: uv
	$(UV) sync --frozen
	npm ci --no-audit --no-fund --loglevel=error
	$(RUN) zhenxing vendor
	$(RUN) zhenxing collectstatic --noinput -v0

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck:
	$(RUN) mypy zhenxing config

migrations-check:
	$(RUN) zhenxing makemigrations --check --dry-run

pytest:
	$(RUN) pytest

serve:
	$(RUN) zhenxing serve

# Regenerate the Chinese/English message catalogues after changing UI strings.
messages:
	$(RUN) zhenxing makemessages -l zh_Hans -l en --ignore=node_modules --ignore=.venv
	$(RUN) zhenxing compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf var static_build node_modules .venv
