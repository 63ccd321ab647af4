"""The /api/v1 route table: one list feeds both Falcon and the OpenAPI document."""

from jhe_core import Route

from jhe_plugins.admin import consents, data_sources, docs, observations, organizations, patients, studies, users
from jhe_plugins.admin.api import ID, PREFIX


def api_endpoints() -> list[tuple[str, object]]:
    """``[(path template, resource)]`` of every documented /api/v1 operation."""
    # Every collection names its item ``{id}``: plugins adding sub-routes (``/patients/{id}/...``)
    # must use the same field name at the same level.
    org = patient = study = source = f"{{id{ID}}}"
    table = [
        ("/users/profile", users.ProfileResource()),
        ("/organizations", organizations.OrganizationsResource()),
        (f"/organizations/{org}", organizations.OrganizationResource()),
        (f"/organizations/{org}/tree", organizations.OrganizationTreeResource()),
        (f"/organizations/{org}/practitioners", organizations.OrganizationPractitionersResource()),
        (f"/organizations/{org}/practitioners/{{practitioner_id{ID}}}",
         organizations.OrganizationPractitionerResource()),
        ("/patients", patients.PatientsResource()),
        ("/patients/global_lookup", patients.PatientGlobalLookupResource()),
        (f"/patients/{patient}", patients.PatientResource()),
        (f"/patients/{patient}/global_add_organization", patients.PatientGlobalAddOrganizationResource()),
        (f"/patients/{patient}/consents", consents.PatientConsentsResource()),
        ("/studies", studies.StudiesResource()),
        (f"/studies/{study}", studies.StudyResource()),
        (f"/studies/{study}/patients", studies.StudyPatientsResource()),
        (f"/studies/{study}/scope_requests", studies.StudyScopeRequestsResource()),
        (f"/studies/{study}/data_sources", studies.StudyDataSourcesResource()),
        ("/data_sources", data_sources.DataSourcesResource()),
        (f"/data_sources/{source}", data_sources.DataSourceResource()),
        (f"/data_sources/{source}/supported_scopes", data_sources.DataSourceSupportedScopesResource()),
        ("/observations", observations.ObservationsResource()),
    ]
    return [(PREFIX + path, resource) for path, resource in table]


def all_routes() -> list[Route]:
    endpoints = api_endpoints()
    schema = docs.SchemaResource(endpoints)
    return [Route(path, resource) for path, resource in endpoints] + [
        Route(f"{PREFIX}/schema", schema),
        Route("/api/schema", schema),
        Route(f"{PREFIX}/schema/swagger-ui", docs.DocsPageResource(docs.SWAGGER_PAGE)),
        Route(f"{PREFIX}/schema/redoc", docs.DocsPageResource(docs.REDOC_PAGE)),
        Route(f"{PREFIX}/schema/static/{{asset}}", docs.StaticAssetResource()),
    ]
