"""The parts of /api/v1 the console depends on beyond the guides' examples: the role per
organization in the profile, and the observation date filters (``date_from``/``date_to``)."""

import datetime

import pytest

from jhe_core import models as m


def test_profile_names_the_role_in_each_organization(client, headers):
    roles = {}
    for who in ("manager", "member", "viewer"):
        profile = client.simulate_get("/api/v1/users/profile", headers=headers[who]).json
        roles[who] = {org["id"]: org["role"] for org in profile["practitioner"]["organizations"]}
        assert profile["isSuperuser"] is False
    assert roles == {"manager": {1: "manager"}, "member": {1: "member"}, "viewer": {1: "viewer"}}
    assert client.simulate_get("/api/v1/users/profile", headers=headers["superuser"]).json["isSuperuser"] is True


def measured_days(app, client, headers, **params):
    """The days (UTC) on which the observations the API lists were measured."""
    answer = client.simulate_get("/api/v1/observations", headers=headers["manager"],
                                 params={"organization_id": 1, "limit": 1000, **params})
    assert answer.status_code == 200, answer.text
    ids = [o["id"] for o in answer.json["results"]]
    with app.exchange.db.connection_context():
        rows = list(m.Observation.select().where(m.Observation.id.in_(ids or [-1])))
    return sorted({row.effective_start.date() for row in rows})


def test_date_filters_compare_whole_days_of_the_measurement_time(app, client, headers):
    every = measured_days(app, client, headers)
    assert len(every) >= 2
    first, last = every[0], every[-1]
    assert measured_days(app, client, headers, date_from=last.isoformat()) == [last]
    assert measured_days(app, client, headers, date_to=first.isoformat()) == [first]
    assert measured_days(app, client, headers, date_from=first.isoformat(), date_to=last.isoformat()) == every
    after = (last + datetime.timedelta(days=1)).isoformat()
    assert measured_days(app, client, headers, date_from=after) == []


@pytest.mark.parametrize("name, value", [("date_from", "yesterday"), ("date_to", "2024-13-01"),
                                         ("date_from", "2024-05-01T00:00")])
def test_a_bad_date_is_a_400_naming_the_parameter(client, headers, name, value):
    answer = client.simulate_get("/api/v1/observations", headers=headers["manager"],
                                 params={"organization_id": 1, name: value})
    assert answer.status_code == 400
    assert name in answer.json["detail"]
