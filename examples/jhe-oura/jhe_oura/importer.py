"""Storing an Oura import through the core's ingest pipeline.

The HTTP route and the ``jhe oura import`` command both end here. Everything a FHIR upload is
subject to (the caller's permission to upload for the patient, the patient's consent to each
code in a study that uses this data source, FHIR and Open mHealth validation, identifiers) is
checked by ``jhe_core.services.observations.ingest``, not here. The import is all or nothing.
"""

from dataclasses import dataclass

from jhe_core import JHEError, ServiceUnavailable
from jhe_core import models as m
from jhe_core.services.observations import ingest

from jhe_oura.records import ConvertedRecord, convert_payload

DATA_SOURCE_NAME = "Oura Ring"
OUTCOMES = {201: "created", 200: "unchanged"}


@dataclass
class ImportReport:
    patient_id: int
    data_source_id: int
    records: list[ConvertedRecord]
    results: list  # IngestResult per record, same order

    @property
    def created(self) -> int:
        return sum(1 for result in self.results if result.status == 201)

    @property
    def unchanged(self) -> int:
        return sum(1 for result in self.results if result.status == 200)

    def as_json(self) -> dict:
        return {
            "patientId": self.patient_id,
            "dataSourceId": self.data_source_id,
            "created": self.created,
            "unchanged": self.unchanged,
            "results": [{"record": record.label, "status": result.status, "outcome": OUTCOMES[result.status],
                         "observationId": result.observation.id,
                         "codingCode": record.observation["code"]["coding"][0]["code"],
                         "identifier": f"{record.identifier[0]}|{record.identifier[1]}"}
                        for record, result in zip(self.records, self.results)],
        }


def data_source() -> m.DataSource:
    """The catalogue row ``register_data_sources`` declared (its id is given by the database)."""
    source = m.DataSource.get_or_none(m.DataSource.name == DATA_SOURCE_NAME)
    if source is None:
        raise ServiceUnavailable(f"The data source {DATA_SOURCE_NAME!r} is not in the catalogue; "
                                 f"restarting the server declares it again.")
    return source


def import_payload(exchange, actor, patient_id: int, payload) -> ImportReport:
    """Convert ``payload`` (Oura API responses) and store it for ``patient_id`` as ``actor``.

    Records already imported are answered as unchanged (``If-None-Exist`` on their identifier).

    :raises JHEError: the first problem (400 conversion, 403 permission or consent, 404 patient,
        422 validation), its message prefixed with the record it concerns; nothing is stored.
    """
    settings = exchange.plugin_config("oura")
    source = data_source()
    records = convert_payload(payload, patient_id=patient_id, data_source_id=source.id,
                              default_timezone=settings["timezone"], max_records=settings["max_records"])
    try:
        results = ingest(exchange, actor, [record.observation for record in records], atomic=True,
                         if_none_exist=[record.if_none_exist for record in records])
    except JHEError as error:
        index = getattr(error, "entry_index", None)
        if index is not None:
            error.message = f"{records[index].label}: {error.message}"
        raise
    return ImportReport(patient_id, source.id, records, results)
