# Two commands on a fresh machine: `make run` and `make test` (README.md).
SHELL := /bin/bash
PYTHON_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT
# Links in e-mails point at the port the product runs on.
export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test setup setup-test migrate demo messages lint bench bench-smoke clean

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
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Rebuild the Vietnamese catalogues after changing strings: one per app, plus
# locale/ for the project-wide templates and settings.
APPS := qms/core qms/reminders qms/spreadsheets qms/nonconformities cms cms/acknowledgements audits
messages: setup
	@for dir in $(APPS); do \
	  extra=""; [ $$dir = cms ] && extra="--ignore=acknowledgements"; \
	  (cd $$dir && mkdir -p locale && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l vi --no-obsolete --no-location $$extra) || exit 1; done
	mkdir -p locale && $(PY) manage.py makemessages -l vi --no-obsolete --no-location \
	  --ignore=.venv --ignore=var --ignore=tests --ignore=bench $(addprefix --ignore=,$(APPS))
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup-test
	$(PY) -m bench

bench-smoke: setup-test
	$(PY) -m bench --smoke

clean:
	rm -rf $(VENV) var static
