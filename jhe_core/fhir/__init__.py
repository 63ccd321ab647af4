"""The FHIR R5 API served at /fhir/r5 and /FHIR/R5."""
