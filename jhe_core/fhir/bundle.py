"""``POST {base}``: batch and transaction Bundles of Observation creates.

Entries are parsed one by one (so a batch reports per-entry errors), validated first, then
stored together with batched inserts in one transaction by the ingest pipeline.
- ``batch``: entries succeed or fail independently; HTTP 200 with a ``batch-response`` whose
  entries carry ``response.status``, ``location`` and, on failure, ``outcome``.
- ``transaction``: all or nothing; the first failing entry's OperationOutcome is the answer
  (its status, issue paths pointing at ``Bundle.entry[i]``) and nothing is stored.
"""

import json

from jhe_core.errors import BadRequest, JHEError, MethodNotAllowed, PayloadTooLarge
from jhe_core.fhir.dates import format_instant
from jhe_core.fhir.observation import prefer_return
from jhe_core.fhir.outcome import operation_outcome, send_fhir, status_line
from jhe_core.http import json_object
from jhe_core.services.observations import ingest, located

CREATABLE = {"Observation"}


def _entry_request(entry, index):
    """The resource and If-None-Exist of a create entry; errors name the entry."""
    if not isinstance(entry, dict):
        raise BadRequest("must be an object.", path=f"Bundle.entry[{index}]")
    request = entry.get("request") or {}
    method = str(request.get("method") or "").upper()
    url = str(request.get("url") or "").split("?")[0].strip("/")
    type_name = url.rsplit("/", 1)[-1] if url else (entry.get("resource") or {}).get("resourceType", "")
    if method != "POST" or type_name not in CREATABLE:
        raise MethodNotAllowed(f"only POST Observation entries are supported, got {method or 'no method'} "
                               f"{request.get('url')!r}.", path=f"Bundle.entry[{index}].request")
    resource = entry.get("resource")
    if not isinstance(resource, dict):
        raise BadRequest("resource is required.", path=f"Bundle.entry[{index}].resource")
    return resource, request.get("ifNoneExist")


def _response_entry(result, representation: bool) -> dict:
    if result.error is not None:
        return {"response": {"status": status_line(result.status), "outcome": operation_outcome(result.error)}}
    observation = result.observation
    response = {"status": status_line(result.status),
                "location": f"Observation/{observation.id}/_history/{observation.version_id}",
                "etag": f'W/"{observation.version_id}"',
                "lastModified": format_instant(observation.last_updated)}
    entry = {"response": response}
    if representation:
        entry = {"resource": json.loads(observation.resource), **entry}
    return entry


class BundleResource:
    """The FHIR base itself: ``POST {base}`` takes a batch or transaction Bundle."""

    def __init__(self, exchange):
        self.exchange = exchange

    def on_post(self, req, resp):
        bundle = json_object(req)
        if bundle.get("resourceType") != "Bundle":
            raise BadRequest(f"expected a Bundle, got resourceType {bundle.get('resourceType')!r}.",
                             path="resourceType")
        kind = bundle.get("type")
        if kind not in ("batch", "transaction"):
            raise BadRequest(f"Bundle.type must be batch or transaction, got {kind!r}.", path="Bundle.type")
        entries = bundle.get("entry")
        entries = [] if entries is None else entries
        if not isinstance(entries, list):
            raise BadRequest("Bundle.entry must be a list.", path="Bundle.entry")
        limit = self.exchange.config.get("fhir.max_bundle_entries", 1000)
        if len(entries) > limit:
            raise PayloadTooLarge(f"Bundle has {len(entries)} entries; the limit is {limit}.", path="Bundle.entry")
        representation = prefer_return(req) == "representation" and "return=" in (req.get_header("Prefer") or "")
        if kind == "transaction":
            body = self._transaction(req, entries, representation)
        else:
            body = self._batch(req, entries, representation)
        send_fhir(req, resp, body)

    def _batch(self, req, entries, representation) -> dict:
        responses = [None] * len(entries)
        creates, positions = [], []
        for index, entry in enumerate(entries):
            try:
                creates.append(_entry_request(entry, index))
                positions.append(index)
            except JHEError as error:
                responses[index] = {"response": {"status": status_line(error.status),
                                                 "outcome": operation_outcome(error)}}
        results = ingest(self.exchange, req.context.actor, [resource for resource, _ in creates], atomic=False,
                         if_none_exist=[condition for _, condition in creates])
        for position, result in zip(positions, results):
            if result.error is not None:
                located(result.error, position)
            responses[position] = _response_entry(result, representation)
        return {"resourceType": "Bundle", "type": "batch-response", "entry": responses}

    def _transaction(self, req, entries, representation) -> dict:
        creates = [_entry_request(entry, index) for index, entry in enumerate(entries)]
        try:
            results = ingest(self.exchange, req.context.actor, [resource for resource, _ in creates], atomic=True,
                             if_none_exist=[condition for _, condition in creates])
        except JHEError as error:
            index = getattr(error, "entry_index", None)
            raise located(error, index) if index is not None else error
        return {"resourceType": "Bundle", "type": "transaction-response",
                "entry": [_response_entry(result, representation) for result in results]}
