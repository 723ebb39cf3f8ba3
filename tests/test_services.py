"""CI promises to run on real PostgreSQL and Redis; these fail there if it does not."""

import pytest
from django.db import connection
from kombu import Connection

from tests import services


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_is_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 130000


@pytest.mark.redis
def test_redis_broker_answers():
    with Connection(services.redis_url(), connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        assert conn.transport.driver_type == "redis"
