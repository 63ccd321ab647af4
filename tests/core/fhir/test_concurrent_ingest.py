"""Bundles uploaded at once by several threads into a SQLite file (as a server's threads do):
ids are reserved under SQLite's write lock, so every entry is stored once, under its own id."""

import concurrent.futures

import falcon.testing
import pytest
from fhir_helpers import bundle, observation

from jhe_core import models as m
from jhe_core.testing import auth_headers, database_url_for_tests, make_test_app, token_for_patient

pytestmark = pytest.mark.skipif(database_url_for_tests().startswith("postgres"),
                                reason="SQLite's id reservation (PostgreSQL uses its sequence)")


def test_concurrent_bundles_into_a_sqlite_file_are_all_stored(tmp_path):
    app = make_test_app(database_url=f"sqlite:///{tmp_path / 'jhe.db'}", data_dir=str(tmp_path))
    client = falcon.testing.TestClient(app)
    headers = {**auth_headers(token_for_patient(10001)), "Content-Type": "application/fhir+json"}
    before = m.Observation.select().count()

    def upload(_):
        response = client.simulate_post("/fhir/r5", json=bundle("batch", [observation() for _ in range(25)]),
                                        headers=headers)
        assert response.status_code == 200, response.text
        return [entry["response"]["status"] for entry in response.json["entry"]]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        statuses = [status for answer in pool.map(upload, range(8)) for status in answer]
    assert statuses == ["201 Created"] * 200
    assert m.Observation.select().count() == before + 200
    ids = [row.id for row in m.Observation.select(m.Observation.id)]
    assert len(ids) == len(set(ids))
