# Two commands do everything: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen

# What the tests need from the system: gettext (`make messages`), pango and harfbuzz-subset
# (WeasyPrint's PDFs), chromium and its driver (browser tests). Fonts are not among them: the
# project ships its own (zhenxing/core/fonts.py).
SYSTEM_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	chromium chromium-driver
# Static sources: a change to any of them re-collects; nothing changed, nothing is redone.
STATIC_SOURCES := $(shell find zhenxing -path '*/static/*' -type f 2>/dev/null)
NPM_STAMP := node_modules/.package-lock.json
VENDOR_STAMP := static_build/.vendored
COLLECT_STAMP := var/.collected

.PHONY: demo test install system uv venv lint typecheck migrations-check deploy-check \
	pytest serve messages clean

demo: install
	$(RUN) zhenxing migrate --noinput
	$(RUN) zhenxing demo $(DEMO_ARGS)

test: install lint typecheck migrations-check deploy-check pytest

install: system venv $(COLLECT_STAMP)

# Installs the missing system packages when run as root on a Debian-like system; otherwise
# says in one line what to install.
system:
	@missing=(); for pkg in $(SYSTEM_PACKAGES); do \
		dpkg -s "$$pkg" >/dev/null 2>&1 || missing+=("$$pkg"); done; \
	if ((! $${#missing[@]})); then exit 0; fi; \
	if [[ $$(id -u) == 0 ]] && command -v apt-get >/dev/null; then \
		echo "== installing $${missing[*]} =="; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "$${missing[@]}" >/dev/null; \
	else \
		echo "make install: missing system packages: $${missing[*]} (install them, or run make install as root)"; \
	fi

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 \
		|| python3 -m pip install --quiet uv

venv: uv
	$(UV) sync --frozen

# `npm ci` writes node_modules/.package-lock.json: newer than the lock file means installed.
$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) zhenxing/core/fonts.py zhenxing/web/management/commands/vendor.py | venv
	$(RUN) zhenxing vendor
	@touch $@

$(COLLECT_STAMP): $(VENDOR_STAMP) $(STATIC_SOURCES) | venv
	$(RUN) zhenxing collectstatic --noinput -v0
	@touch $@

lint:
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck:
	$(RUN) mypy zhenxing config

migrations-check:
	$(RUN) zhenxing makemigrations --check --dry-run

# Django's deployment checks under production settings (HTTPS on, debug off, a real host name),
# with throwaway keys made for this check only: any warning fails.
deploy-check:
	@env ZHENXING_SECURE=1 ZHENXING_DEBUG=0 ZHENXING_ALLOWED_HOSTS=zhenxing.example.cn \
		$$(python3 -c 'import base64, secrets; \
		print("SECRET_KEY=" + secrets.token_urlsafe(50), *(f"ZHENXING_{n}_KEY=" \
		+ base64.b64encode(secrets.token_bytes(32)).decode() for n in ("DATA", "INDEX", "AUDIT", "RECEIPT")))') \
		$(RUN) zhenxing check --deploy --fail-level WARNING

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
