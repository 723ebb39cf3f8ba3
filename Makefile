# Two commands on a fresh machine: `make run` and `make test` (README.md).
SHELL := /bin/bash
PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT
# Links in e-mails point at the port the product runs on.
export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test setup setup-test migrate demo messages wagtail-messages wagtail-messages-check lint bench bench-smoke clean

# The virtual environment is rebuilt only when a requirements file changes.
$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	@touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

# Web server, Celery worker and beat together; Ctrl-C stops all of them.
run: demo
	@echo ""
	@echo "  QMS tracker: http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo log-ins (password demo-qms-2026): officer, approver, auditor, staff"
	@echo "  E-mails (reminders) are written to var/mail/. Ctrl-C stops everything."
	@echo ""
	@# One child for make to wait for; scripts/run.py stops the others within seconds of Ctrl-C.
	@exec $(PY) scripts/run.py

test: setup-test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup-test
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Rebuild the Vietnamese catalogues after changing strings: one per app, plus
# locale/ for the project-wide templates and settings.
APPS := qms/core qms/reminders qms/spreadsheets qms/nonconformities qms/feedback qms/procedures qms/objectives qms/risks cms cms/acknowledgements audits qms/management_review
messages: setup
	@for dir in $(APPS); do \
	  extra=""; [ $$dir = cms ] && extra="--ignore=acknowledgements"; \
	  (cd $$dir && mkdir -p locale && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l vi --no-obsolete --no-location $$extra) || exit 1; done
	mkdir -p locale && $(PY) manage.py makemessages -l vi --no-obsolete --no-location \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=bench $(addprefix --ignore=,$(APPS))
	$(PY) manage.py compilemessages --ignore=.venv

# The Vietnamese of the Wagtail admin (locale/wagtail/, qms/core/wagtail_catalogue.py) is not built
# from our sources, so `messages` only compiles it. After a Wagtail upgrade, the check lists what it
# lacks; `wagtail-messages` adds the new messages, empty, to translate, and compiles.
WAGTAIL_VI := locale/wagtail/vi/LC_MESSAGES
wagtail-messages-check: setup-test
	$(PY) manage.py wagtail_messages

wagtail-messages: setup-test
	$(PY) manage.py wagtail_messages --update
	for domain in django djangojs; do msgfmt --check -o $(WAGTAIL_VI)/$$domain.mo $(WAGTAIL_VI)/$$domain.po || exit 1; done

bench: setup-test
	$(PY) -m bench

bench-smoke: setup-test
	$(PY) -m bench --smoke

clean:
	rm -rf $(VENV) var static
