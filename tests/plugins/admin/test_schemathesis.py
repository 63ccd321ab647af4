"""Property-based run over every /api/v1 operation of the OpenAPI document, as a manager,
against a live server: no 5xx and no response the document does not describe."""

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 6
# Random ids almost never exist: half of the cases get a demo row's id instead, so success
# answers are checked against the document too.
DEMO_IDS = {"organizations": 1, "patients": 10001, "studies": 10001, "data_sources": 70001}
DEMO_PRACTITIONER_ID = 2


def use_demo_ids(case, path: str) -> None:
    collection = path.split("/")[3]
    if "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = DEMO_IDS[collection]
    if "practitioner_id" in (case.path_parameters or {}):
        case.path_parameters["practitioner_id"] = DEMO_PRACTITIONER_ID


@pytest.fixture(scope="module")
def document(live_server):
    return requests.get(f"{live_server}/api/v1/schema?format=json", timeout=10).json()


def test_every_operation_answers_as_documented(document, live_server, headers):
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    session = requests.Session()
    failures = []
    for operation in operations:
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), known=st.booleans())
        def exercise(case, known):
            if known:
                use_demo_ids(case, operation.path)
            response = case.call(base_url=live_server, headers=headers["manager"], session=session)
            case.validate_response(response, checks=CHECKS)

        try:
            exercise()
        except Exception as failure:  # collect them all: one report names every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)
