"""A working day in a few minutes: staff, quality officers and auditors at once on one server (issue 21).

ISO 9001 7.5.3.1 a) and 7.1.3: the system must serve everyone who needs it at the same time, staff
reading their procedures (mostly for the first time) and acknowledging them, officers in the
registers and auditors in their workspace. Each person is a thread with think time between requests
(bench/loadgen.run_people); the figure is the 95th percentile of the successful answers, with no
errors, and every acknowledgement written in the run present afterwards, once.
"""

import itertools
import os
import random
import re
from http.cookies import SimpleCookie
from urllib.parse import unquote, urlencode

from django.db import connection
from django.urls import reverse

from bench import loadgen
from bench.figures import common, data, timelines, web
from bench.figures.nonconformities import admin_list_url
from bench.report import Spec, line, require
from bench.server import Gunicorn

P95_GOAL = 500
P95 = Spec("mixed_load_p95_ms", "ms", f"<= {P95_GOAL}")
ERRORS = Spec("mixed_load_errors", "errors", "= 0")
SPECS = (P95, ERRORS)

ACK_FORM = re.compile(rb'<form method="post" action="(/acknowledgements/\d+/acknowledge/)">')
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Each view of a document a person is asked to acknowledge: the chance they do it then.
ACKNOWLEDGE_SHARE = 0.35
THINK_S = (0.5, 1.5)


class Jar:
    """The cookies of one browser: the session, and what the server sets (the CSRF token, messages)."""

    def __init__(self, session_cookie):
        name, _sep, value = session_cookie.partition("=")
        self.cookies = {name: value}

    def headers(self, **extra):
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()), **extra}

    def keep(self, exchange):
        for header in exchange.set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value in ("", '""') or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def staff_script(jar, documents, rng):
    """Read the documents in an order of one's own, again and again all day, acknowledge, go home now and then."""
    order = documents[:]
    rng.shuffle(order)
    for n, path in enumerate(itertools.cycle(order)):
        answer = yield ("GET", path, jar.headers(), None, "document")
        jar.keep(answer)
        form = ACK_FORM.search(answer.body)
        token = TOKEN.search(answer.body)
        if form and token and rng.random() < ACKNOWLEDGE_SHARE:
            body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "next": path})
            headers = jar.headers(**{"Content-Type": "application/x-www-form-urlencoded"})
            answer = yield ("POST", form.group(1).decode(), headers, body, "acknowledge")
            jar.keep(answer)
            # The page again, with the message saying it was recorded.
            answer = yield ("GET", path, jar.headers(), None, "document")
            jar.keep(answer)
        if n % 4 == 3:
            answer = yield ("GET", "/", jar.headers(), None, "home")
            jar.keep(answer)


def cycle_script(jar, pages):
    """Go round `pages` ((path, kind), ...) all day."""
    while True:
        for path, kind in pages:
            answer = yield ("GET", path, jar.headers(), None, kind)
            jar.keep(answer)


def run(context):
    audit_services = require("audits.services")
    require("qms.nonconformities.wagtail_hooks")
    from cms.acknowledgements.models import Acknowledgement
    from qms.core import roles
    from qms.core.models import IsoClause, OrganisationUnit
    from qms.nonconformities.models import Nonconformity

    sizes = context.sizes
    data.ensure_nonconformities(sizes.nc_rows)
    unit = OrganisationUnit.objects.create(code="BENCH-MX", name="Bench mixed load")
    officers = [
        common.make_person(roles.QUALITY_OFFICERS, roles.STAFF, unit=unit, username=f"bench-mx-officer-{n}")
        for n in range(sizes.mixed_officers)
    ]
    auditors = [
        common.make_person(roles.AUDITORS, roles.STAFF, unit=unit, username=f"bench-mx-auditor-{n}")
        for n in range(max(sizes.mixed_auditors, 2))
    ]
    staff = [
        common.make_person(roles.STAFF, unit=unit, username=f"bench-mx-staff-{n}") for n in range(sizes.mixed_staff)
    ]
    documents = [
        web._document(sizes, unit, officers[0], f"MX{n}", sizes.mixed_document_versions)["path"]
        for n in range(sizes.mixed_documents)
    ]
    clauses = list(IsoClause.objects.filter(number__in=["8.2", "8.5", "9.1"]).order_by("sort_key"))
    programme = audit_services.programme_create(year=2027, objectives="Bench mixed load", user=officers[0])
    audit = timelines._audit_with_history(
        audit_services,
        programme,
        officers[0],
        auditors,
        data.units()[:3],
        clauses,
        records=50,
        reference="BENCH-MX",
    )
    ncs = list(Nonconformity.objects.order_by("pk").values_list("pk", flat=True)[:200])
    officer_pages = [
        (admin_list_url(Nonconformity), "nc_admin_list"),
        (reverse("cms_register"), "master_list"),
        (reverse("wagtailadmin_home"), "admin_dashboard"),
    ]
    auditor_pages = [(f"/audits/{audit.pk}/", "audit_workspace"), ("/audits/", "audits")]
    rng = random.Random(21)
    scripts = [
        staff_script(Jar(common.session_cookie(person)), documents, random.Random(21 + index))
        for index, person in enumerate(staff)
    ]
    for person in officers:
        pages = officer_pages + [(Nonconformity(pk=rng.choice(ncs)).get_absolute_url(), "nc_page")]
        rng.shuffle(pages)
        scripts.append(cycle_script(Jar(common.session_cookie(person)), pages))
    scripts += [cycle_script(Jar(common.session_cookie(person)), auditor_pages) for person in auditors]
    people = len(scripts)
    connection.close()  # SQLite: the harness holds no lock while gunicorn's workers read
    with Gunicorn(workers=sizes.mixed_workers, log_path=context.run_dir / "gunicorn-mixed.log") as server:
        # Every page once, by someone else, so that the run starts from a server that has served them.
        warm = Jar(common.session_cookie(officers[0]))
        for path in [*documents, *(path for path, _kind in officer_pages + auditor_pages)]:
            status, _body = server.get(path, warm.headers())
            if status != 200:
                raise RuntimeError(f"{path} answered {status} while warming up")
        load_before = os.getloadavg()
        result = loadgen.run_people(
            server.host,
            server.port,
            scripts,
            max_seconds=sizes.mixed_seconds,
            max_requests=sizes.mixed_max_requests,
            think=THINK_S,
            seed=21,
        )
        load_after = os.getloadavg()
    exchanges = result["exchanges"]
    expected = {"GET": {200}, "POST": {302}, "SCRIPT": set()}  # SCRIPT: a person's script broke
    # A connection error is an exchange with no status (0): a failure like any unexpected answer.
    failures = [e for e in exchanges if e.status not in expected[e.method]]
    succeeded = [e for e in exchanges if e.status in expected[e.method]]
    latencies = [e.latency_ms for e in succeeded]
    posted = sum(1 for e in exchanges if e.method == "POST" and e.status == 302)
    readers = [person.pk for person in staff]
    recorded = Acknowledgement.objects.filter(person_id__in=readers)
    distinct = recorded.values("person_id", "version_id").distinct().count()
    by_kind = {}
    for exchange in succeeded:
        by_kind.setdefault(exchange.kind, []).append(exchange.latency_ms)
    # What the people would ask for if every answer were instant; a closed loop asks less as answers slow.
    max_offered = people / (sum(THINK_S) / 2)
    detail = {
        "people": {"staff": len(staff), "officers": len(officers), "auditors": len(auditors)},
        "seconds": round(result["elapsed_s"], 1),
        "requests": len(exchanges),
        "served_rps": round(len(exchanges) / result["elapsed_s"], 1) if result["elapsed_s"] else None,
        "max_offered_rps": max_offered,
        "p50_ms": web._round(web._percentile(latencies, 50), 1),
        "p95_by_kind_ms": {kind: web._round(web._percentile(ms, 95), 1) for kind, ms in sorted(by_kind.items())},
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "workers": sizes.mixed_workers,
    }
    ack_detail = {
        "acknowledgements_posted": posted,
        "acknowledgements_recorded": recorded.count(),
        "acknowledgements_distinct": distinct,
    }
    p95 = web._percentile(latencies, 95)
    errors = len(failures)
    # Each acknowledgement answered with its redirect is in the database, once (a person is offered
    # the form only until they have acknowledged; one the service refused would answer 302 too, and
    # count as lost). A run that posted none proves nothing, outside the smoke run's few seconds.
    lost = not (posted == ack_detail["acknowledgements_recorded"] == distinct) or (posted == 0 and not sizes.smoke)
    return [
        line(P95, web._round(p95, 1), met=p95 is not None and p95 <= P95_GOAL and errors == 0, detail=detail),
        line(
            ERRORS,
            errors,
            met=errors == 0 and not lost,
            note="answers other than 200 (GET) and 302 (an acknowledgement), and connection errors; "
            "'detail': the acknowledgements posted and those in the database afterwards",
            detail={
                **ack_detail,
                "statuses": _statuses(exchanges),
                "first_failures": [f"{e.method} {unquote(e.path)} {e.status}" for e in failures[:5]],
                "connection_errors": result["errors"][:5],
            },
        ),
    ]


def _statuses(exchanges):
    counted = {}
    for exchange in exchanges:
        counted[exchange.status] = counted.get(exchange.status, 0) + 1
    return counted
