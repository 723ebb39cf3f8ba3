"""/healthz says which part is down, never the driver's error text (it may name hosts, users, paths)."""

import json
import logging

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

DOWN_BROKER = "redis://secret-user:secret-pass@127.0.0.1:1/0"


@override_settings(CELERY_BROKER_URL=DOWN_BROKER, CELERY_BROKER_TRANSPORT_OPTIONS={})
def test_an_anonymous_visitor_learns_only_which_part_is_down(client, caplog):
    with caplog.at_level(logging.ERROR, logger="qms.core.health"):
        response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "database": {"ok": True}, "broker": {"ok": False}}
    assert "secret" not in response.content.decode()
    # The detail is for the operator, in the log.
    assert any("broker" in record.getMessage() for record in caplog.records)


def test_the_database_error_text_is_not_shown(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError('could not connect to server: FATAL: password authentication failed for user "qms"')

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == {"ok": False}
    assert "password" not in response.content.decode()
