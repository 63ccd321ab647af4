"""Core plugin ``core.fhir``: the FHIR R5 API."""
