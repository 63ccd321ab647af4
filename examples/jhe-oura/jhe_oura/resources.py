"""``POST /api/v1/oura/patients/{patient_id}/import``: an Oura export for one patient.

Answers 201 with a report when something was stored, 200 when every record was already there,
and the core's ``{"detail": ...}`` errors otherwise (nothing is stored then).
"""

from jhe_core.http import json_body, send_json

from jhe_oura.importer import import_payload

IMPORT_PATH = "/api/v1/oura/patients/{patient_id:int(min=0, max=2147483647)}/import"


class OuraImportResource:
    def on_post(self, req, resp, patient_id):
        report = import_payload(req.context.exchange, req.context.actor, patient_id, json_body(req))
        send_json(resp, report.as_json(), status=201 if report.created else 200)
