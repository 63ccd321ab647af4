"""Domain operations shared by every HTTP surface (FHIR, /api/v1, CLI). HTTP stays thin."""
