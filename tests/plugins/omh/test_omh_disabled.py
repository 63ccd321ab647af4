"""With the plugin disabled, OMH validation and codes are gone and the app still works."""

from dataclasses import dataclass, field
from importlib.metadata import entry_points

import falcon.testing
import pytest

from jhe_core import models as m
from jhe_core.testing import auth_headers, make_test_app, token_for

from omh_datapoints import data_point, observation


@dataclass
class Context:
    code: object
    data: object
    effective: list = field(default_factory=lambda: [None, None])


# Installed plugins whose data sources are declared with OMH codes cannot start without the
# codes this plugin registers; they are switched off with it.
DEPENDENT_PLUGINS = [ep.name for ep in entry_points(group="jhe") if ep.name in {"oura"}]


@pytest.fixture(scope="module")
def app():
    return make_test_app(disabled=["omh", *DEPENDENT_PLUGINS])


def test_other_plugins_keep_working(app):
    loaded = set(app.exchange.plugins)
    assert {"admin", "commonhealth", "email", "portal"} <= loaded


def test_observations_are_stored_without_omh_validation(app):
    """Data the plugin would refuse (a unit its schema does not allow) is accepted without it."""
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["unit"] = "mmol"
    with app.exchange.db.connection_context():
        headers = auth_headers(token_for("john.smith@example.com"))  # consented to blood glucose
    client = falcon.testing.TestClient(app)
    response = client.simulate_post("/fhir/r5/Observation", json=observation(point), headers=headers)
    assert response.status_code == 201, response.text


def test_plugin_is_not_loaded(app):
    assert "omh" not in app.exchange.plugins
    assert app.exchange.pm.is_blocked("omh")


def test_no_codes_beyond_the_demo_data(app):
    with app.exchange.db.connection_context():
        codes = {row.coding_code for row in m.CodeableConcept.select()}
    assert "ieee:time-in-bed:1.0" not in codes and "ieee:sleep-episode:1.0" not in codes
    assert "omh:blood-glucose:4.0" in codes  # the demo data's own rows


def test_no_validation(app):
    exchange = app.exchange
    point = data_point("omh:blood-glucose:4.0")
    point["body"]["blood_glucose"]["unit"] = "mmol"
    with exchange.db.connection_context():
        code = m.CodeableConcept.get(coding_code="omh:blood-glucose:4.0")
    context = Context(code, point)
    answers = exchange.hook.validate_observation(exchange=exchange, observation=observation(point), context=context)
    assert all(not answer for answer in answers)
    assert context.effective == [None, None]
