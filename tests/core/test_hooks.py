"""Every hook is documented and tested; the core calls each one as documented."""

import ast
import inspect
from pathlib import Path

import falcon
import falcon.testing
import peewee
import pytest

from jhe_core import Route, hookimpl, hookspecs
from jhe_core import models as m
from jhe_core.actors import Actor
from jhe_core.errors import Forbidden
from jhe_core.models.base import BaseModel
from jhe_core.plugins import StartupError
from jhe_core.testing import MEMORY_URL, auth_headers, make_test_app, token_for

TESTS = Path(__file__).resolve().parents[1]
HOOKS = sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(fn, "jhe_spec"))


def test_there_are_hooks():
    assert "register_routes" in HOOKS and "send_email" in HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name):
    fn = getattr(hookspecs, name)
    doc = inspect.getdoc(fn) or ""
    assert doc.split("\n")[0].strip(), f"{name}: no summary line"
    for arg in inspect.signature(fn).parameters:
        assert f":param {arg}:" in doc, f"{name}: :param {arg}: missing"
    assert ":returns:" in doc, f"{name}: :returns: missing"
    firstresult = fn.jhe_spec["firstresult"]
    assert ("Stops at first non-None result." in doc) == firstresult, f"{name}: first-result marking"


def _test_names():
    names = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test(name):
    names = _test_names()
    assert any(n.startswith(f"test_hook_{name}") for n in names), f"no test_hook_{name}* test under tests/"


# --- a plugin that uses the core hooks --------------------------------------------------


class Note(BaseModel):
    text = peewee.CharField()


class Sample:
    """A plugin exercising the hooks the core itself calls."""

    MIGRATIONS = [(1, "a column-free first step", lambda db: None)]
    started = []

    @hookimpl
    def register_models(self):
        return [Note]

    @hookimpl
    def register_routes(self, exchange):
        return [Route("/sample/notes", NotesResource())]

    @hookimpl
    def register_middleware(self, exchange):
        return [StampMiddleware()]

    @hookimpl
    def register_observation_codes(self, exchange):
        return [{"system": "urn:sample", "code": "sample:one", "text": "Sample One", "id": 901},
                {"system": "urn:sample", "code": "sample:two", "text": "Sample Two"}]

    @hookimpl
    def register_data_sources(self, exchange):
        return [{"name": "Sample Band", "type": "personal_device", "codes": ["sample:one", "sample:two"]}]

    @hookimpl
    def register_fhir_resource_types(self, exchange):
        from jhe_core.fhir.registry import ResourceType, SearchParam
        return [ResourceType("Device", ("read",), [SearchParam("name", "string")])]

    @hookimpl
    def startup(self, exchange):
        self.started.append(exchange)

    @hookimpl
    def actor_from_request(self, exchange, request):
        email = request.get_header("X-Sample-User")
        return Actor(user=m.User.get(m.User.email == email), scopes=frozenset({"read"})) if email else None


class NotesResource:
    def on_get(self, req, resp):
        resp.media = {"notes": [n.text for n in Note.select()], "caller": req.context.actor.describe()}

    def on_post(self, req, resp):
        Note.create(text=req.get_media()["text"])
        resp.status = falcon.HTTP_201


class StampMiddleware:
    def process_response(self, req, resp, resource, req_succeeded):
        resp.set_header("X-Sample", "stamped")


@pytest.fixture(scope="module")
def sample_app():
    app = make_test_app(enabled=[], plugins=[("sample", Sample())])
    return app


@pytest.fixture(scope="module")
def sample_client(sample_app):
    return falcon.testing.TestClient(sample_app)


@pytest.fixture(autouse=True)
def active(sample_app):
    """Tests below build other apps too; point the models back at the module's app."""
    sample_app.exchange.activate()


def test_hook_register_models_creates_and_migrates_tables(sample_app, sample_client):
    headers = auth_headers(token_for("practitioner@example.com"))
    assert sample_client.simulate_post("/sample/notes", json={"text": "hi"}, headers=headers).status_code == 201
    assert Note.select().count() == 1
    versions = [r.version for r in m.SchemaVersion.select().where(m.SchemaVersion.component == "sample")]
    assert versions == [1]


def test_hook_register_routes_serves_the_route(sample_client):
    result = sample_client.simulate_get("/sample/notes", headers=auth_headers(token_for("member@example.com")))
    assert result.status_code == 200 and result.json["caller"] == "member@example.com"


def test_hook_register_routes_duplicate_is_a_startup_error():
    class Clash:
        @hookimpl
        def register_routes(self, exchange):
            return [Route("/health", object())]
    with pytest.raises(StartupError, match=r"route /health is claimed by both '(core.health|clash)' and '(clash|core.health)'"):
        make_test_app(enabled=[], plugins=[("clash", Clash())], demo=False, database_url=MEMORY_URL)


def test_hook_register_middleware_runs(sample_client):
    assert sample_client.simulate_get("/health").headers["X-Sample"] == "stamped"


def test_hook_register_observation_codes_stores_with_stable_ids(sample_app):
    one = m.CodeableConcept.get(m.CodeableConcept.coding_code == "sample:one")
    two = m.CodeableConcept.get(m.CodeableConcept.coding_code == "sample:two")
    assert one.id == 901 and one.text == "Sample One" and two.id != 901


def test_hook_register_data_sources_adds_catalogue_rows(sample_app):
    source = m.DataSource.get(m.DataSource.name == "Sample Band")
    codes = {link.scope_code.coding_code for link in source.supported_scopes}
    assert source.id >= 80001 and codes == {"sample:one", "sample:two"}


def test_hook_register_fhir_resource_types_are_registered(sample_app):
    assert sample_app.exchange.fhir_types["Device"].search_params[0].name == "name"


def test_hook_startup_is_called(sample_app):
    assert sample_app.exchange in Sample.started


def test_hook_startup_can_refuse_to_start():
    class Refuser:
        @hookimpl
        def startup(self, exchange):
            raise StartupError("refuser: missing licence key")
    with pytest.raises(StartupError, match="missing licence key"):
        make_test_app(enabled=[], plugins=[("refuser", Refuser())], demo=False, database_url=MEMORY_URL)


def test_hook_actor_from_request_answers_first(sample_client):
    result = sample_client.simulate_get("/sample/notes", headers={"X-Sample-User": "viewer@example.com"})
    assert result.status_code == 200 and result.json["caller"] == "viewer@example.com"
    assert sample_client.simulate_get("/sample/notes").status_code == 401


def test_hook_permission_allowed_false_vetoes():
    from jhe_core.permissions import allowed

    class Veto:
        @hookimpl
        def permission_allowed(self, actor, action, resource):
            return False if action == "study.manage" else None

    app = make_test_app(enabled=[], plugins=[("veto", Veto())], database_url=MEMORY_URL)
    manager = Actor(user=m.User.get(m.User.email == "practitioner@example.com"))
    study = m.Study.get_by_id(10001)
    assert allowed(app.exchange, manager, "study.view", study)
    assert not allowed(app.exchange, manager, "study.manage", study)


def test_hook_permission_allowed_default_matrix(sample_app):
    from jhe_core.permissions import allowed
    exchange = sample_app.exchange

    def actor(email):
        return Actor(user=m.User.get(m.User.email == email))
    study, other_study = m.Study.get_by_id(10001), m.Study.get_by_id(10003)
    assert allowed(exchange, actor("practitioner@example.com"), "study.manage", study)
    assert allowed(exchange, actor("member@example.com"), "study.manage", study)
    assert not allowed(exchange, actor("viewer@example.com"), "study.manage", study)
    assert allowed(exchange, actor("viewer@example.com"), "study.view", study)
    assert not allowed(exchange, actor("practitioner@example.com"), "study.view", other_study)
    assert allowed(exchange, actor("admin@example.com"), "study.manage", other_study)
    john, maria = m.Patient.get_by_id(10001), m.Patient.get_by_id(10002)
    assert allowed(exchange, actor("john.smith@example.com"), "consent.manage", john)
    assert not allowed(exchange, actor("john.smith@example.com"), "consent.manage", maria)
    assert not allowed(exchange, actor("practitioner@example.com"), "organization.create", None)
    assert allowed(exchange, actor("admin@example.com"), "organization.create", None)
    assert not allowed(exchange, actor("member@example.com"), "organization.manage_practitioners",
                       m.Organization.get_by_id(1))


def test_hook_handle_exception_can_replace_rendering():
    class Teapot:
        @hookimpl
        def handle_exception(self, request, error):
            if request.path.startswith("/sample"):
                return error.status, {"problem": error.message}

    class Raiser:
        @hookimpl
        def register_routes(self, exchange):
            class R:
                auth = "public"

                def on_get(self, req, resp):
                    raise Forbidden("nope")
            return [Route("/sample/forbidden", R())]

    app = make_test_app(enabled=[], plugins=[("teapot", Teapot()), ("raiser", Raiser())], demo=False,
                        database_url=MEMORY_URL)
    client = falcon.testing.TestClient(app)
    assert client.simulate_get("/sample/forbidden").json == {"problem": "nope"}
    assert client.simulate_get("/nowhere").json == {"detail": "No route for GET /nowhere."}
