# Downtime Diary. `make run` serves the app with demo data; `make test` checks it;
# `make serve` runs it as in production (gunicorn, the task worker, the scheduler).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: run and serve install the runtime requirements only; test and bench
# add the test tools.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
PORT ?= 8000
# The web server, the task worker and the scheduler, stopped together by Ctrl-C.
TOGETHER := $(PY) deploy/together.py
# The task worker for the queue in use (TASK_BACKEND; README, "Deployment").
TASK_WORKER = $(if $(filter rq,$(TASK_BACKEND)),$(PY) manage.py rqworker --job-class \
	django_tasks_rq.Job --with-scheduler default,$(PY) manage.py db_worker)
BACKGROUND = "$(TASK_WORKER)" "$(PY) manage.py scheduler"
# `make serve` on a machine without TLS in front: plain HTTP on 127.0.0.1, so no
# redirect to HTTPS and cookies not marked Secure, unless the environment says so.
# Its SECRET_KEY comes from the environment or, if unset, from .secret-key (made
# once, git-ignored), so sessions survive restarts.
SERVE_ENV := SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" SECURE_COOKIES="$${SECURE_COOKIES:-0}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" PORT=$(PORT)
# Tests run with production-like settings (DEBUG off), which require a SECRET_KEY;
# the test client speaks plain HTTP, so no redirect to HTTPS.
TEST_ENV := SECRET_KEY=test-only-not-secret SECURE_SSL_REDIRECT=0

.PHONY: run serve test lint format bench wrk clean messages gettext browser

$(RUNTIME): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.secret-key:
	umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(RUNTIME)
	@$(PY) deploy/port_free.py $(PORT)
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py demo
	@printf '\nServing http://127.0.0.1:$(PORT)/ (Ctrl-C stops it, the task worker and the scheduler)\n\n'
	DEBUG=1 SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(TOGETHER) \
		"$(PY) manage.py runserver 127.0.0.1:$(PORT)" $(BACKGROUND)

serve: $(RUNTIME) $(if $(SECRET_KEY),,.secret-key)
	@$(PY) deploy/port_free.py $(PORT)
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	@printf '\nServing http://127.0.0.1:$(PORT)/ with gunicorn (Ctrl-C stops it, the task worker and the scheduler)\n\n'
	$(SERVE_ENV) $(TOGETHER) "$(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi" $(BACKGROUND)

test: $(DEV) gettext browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=diary.example.org $(PY) manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(PY) -m pytest

# After strings change in the code: extract them into locale/ja/LC_MESSAGES/django.po
# (new ones empty, changed ones fuzzy), compile the .mo the app reads, and list what
# still needs translating (README, "Languages").
messages: $(DEV) gettext
	DEBUG=1 $(PY) manage.py messages

# The catalogue's check against the code (tests/clinic/test_catalogue.py) and `make
# messages` extract strings with xgettext: Debian's gettext, installed when missing.
gettext:
	@command -v xgettext >/dev/null || { $(SUDO) apt-get install -y -q gettext >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update -q >/dev/null 2>&1 && $(SUDO) apt-get install -y -q \
		gettext >/dev/null 2>&1; }; } || { echo "GNU gettext is missing: apt-get install gettext"; exit 1; }

# The browser tests (tests/browser/) drive Debian's Chromium, never a downloaded
# browser, and Japanese pages need CJK fonts: both installed with apt when missing.
# Where apt cannot, those tests skip with the reason; in CI (CI set) that fails instead.
browser:
	@if ! test -x /usr/bin/chromium || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
		log=$$(mktemp); \
		if ! { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q chromium fonts-noto-cjk; } >$$log 2>&1; then \
			tail -n 5 $$log; rm -f $$log; \
			echo "apt-get could not install chromium and fonts-noto-cjk (above)."; \
			if [ -n "$$CI" ]; then echo "CI must run the browser tests: stopping."; exit 1; fi; \
			echo "The browser tests will skip."; \
		fi; rm -f $$log; \
	fi

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# bench/pages.py loads pages with wrk when it is installed, else with its own bounded
# Python client. wrk is Debian's package; `make test` never installs it.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
wrk:
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && \
		{ $(SUDO) apt-get install -y -q wrk >/dev/null 2>&1 || { $(SUDO) apt-get update -q \
		>/dev/null 2>&1 && $(SUDO) apt-get install -y -q wrk >/dev/null 2>&1; }; }; } || \
		echo "wrk could not be installed: bench/pages.py uses its Python client"

bench: $(DEV) wrk
	@for script in $(filter-out bench/_%,$(wildcard bench/*.py)); do \
		echo "== $$script"; $(TEST_ENV) $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) staticfiles
