"""PostgreSQL: one connection per worker thread, kept between requests, its statements prepared
by the server; a connection the server ends (a restart, an administrator) is opened again at the
next request, which the user does not notice."""
import os

import pytest

from portal.db import database

pytestmark = pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"),
                                reason="PostgreSQL only (PORTAL_TEST_DATABASE_URL)")


def backend_pid():
    return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def test_requests_share_one_connection_and_its_prepared_statements(office_client):
    for _ in range(7):
        assert office_client.get("/cases/").status_code == 200
    pid = backend_pid()
    assert office_client.get("/cases/").status_code == 200
    assert backend_pid() == pid
    prepared = database.execute_sql("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
    assert prepared > 0  # the per-request statements are planned once on this connection


def test_a_connection_ended_by_the_server_is_opened_again(app, office_client):
    assert office_client.get("/cases/").status_code == 200
    pid = backend_pid()
    import psycopg

    with psycopg.connect(app.config["DATABASE_URL"], autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    page = office_client.get("/cases/")
    assert page.status_code == 200 and "事项" in page.get_data(as_text=True)
    assert backend_pid() != pid
