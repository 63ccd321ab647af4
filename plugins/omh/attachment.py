"""Decoding ``valueAttachment.data`` (base64 of UTF-8 JSON), for the CLI and the admin view.

During ingest the core decodes and reports these problems itself; the plugin decodes only when
it runs on its own (``jhe omh validate`` on an Observation file) or reads a stored resource.
"""

import base64
import binascii
import json

from jhe_core import Issue

DATA_PATH = "valueAttachment.data"


class AttachmentError(ValueError):
    def __init__(self, path: str, message: str):
        super().__init__(message)
        self.issue = Issue(message, code="invalid", path=path)


def decode_attachment(observation: dict):
    """The JSON value carried by the Observation's ``valueAttachment``.

    :raises AttachmentError: when it is missing, not base64, not UTF-8 or not JSON.
    """
    attachment = observation.get("valueAttachment") if isinstance(observation, dict) else None
    if not isinstance(attachment, dict) or not isinstance(attachment.get("data"), str):
        raise AttachmentError(DATA_PATH, "an Open mHealth observation carries its data point here (base64 JSON)")
    try:
        raw = base64.b64decode(attachment["data"], validate=True)
    except (binascii.Error, ValueError):
        raise AttachmentError(DATA_PATH, "is not valid base64") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AttachmentError(DATA_PATH, f"is not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise AttachmentError(DATA_PATH, f"is not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None


def stored_data(resource_text: str):
    """The decoded data of a stored Observation resource (JSON text), or None."""
    try:
        return decode_attachment(json.loads(resource_text))
    except (AttachmentError, TypeError, ValueError):
        return None
