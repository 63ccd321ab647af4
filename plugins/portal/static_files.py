"""Serving the console's files: the SPA shell, its assets and its runtime settings.

Every response is public (the app logs in by itself through OAuth2). Files are read from the
package's ``static/`` folder only: a path that leaves it, names a hidden file or has an unknown
extension is a 404. Assets are revalidated with an ETag on each load (``no-cache``) because
their names carry no content hash; the server answers 304 when nothing changed.
"""

import hashlib
import json
from email.utils import formatdate
from pathlib import Path

import falcon

from jhe_core.errors import NotFound

STATIC_DIR = Path(__file__).resolve().parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}

# The shell may show study icons from anywhere (http/https images) but runs only its own code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


class PortalResource:
    """``/portal`` and ``/portal/callback`` give the SPA shell; ``/portal/{path}`` a file, the
    runtime settings (``config.json``) or, for an extension-less path, the shell again so the
    app's own routes survive a reload."""

    auth = "public"

    def __init__(self, static_dir: Path, settings: dict):
        self.static_dir = static_dir.resolve()
        self.settings = {
            "clientId": settings.get("client_id", "jhe-portal"),
            "scope": settings.get("scope", "openid read write"),
            "title": settings.get("title", "JupyterHealth Exchange"),
        }

    def on_get(self, req, resp):
        self._send_file(req, resp, self.static_dir / "index.html")

    on_head = on_get
    on_get_callback = on_get
    on_head_callback = on_get

    def on_get_file(self, req, resp, path):
        if path == "config.json":
            self._send_bytes(req, resp, json.dumps(self.settings).encode(), "application/json")
            return
        target = self._resolve(path)
        if target is None:
            if "." in path.rsplit("/", 1)[-1]:
                raise NotFound(f"No file {path!r} in the portal.")
            target = self.static_dir / "index.html"
        self._send_file(req, resp, target)

    on_head_file = on_get_file

    def _resolve(self, path: str):
        """The file ``path`` names inside the static folder, or None."""
        parts = path.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") or "\\" in part or "\x00" in part
               for part in parts):
            return None
        target = (self.static_dir / Path(*parts)).resolve()
        if not target.is_relative_to(self.static_dir) or not target.is_file():
            return None
        if target.suffix.lower() not in CONTENT_TYPES:
            return None
        return target

    def _send_file(self, req, resp, target: Path):
        stat = target.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        resp.set_header("Last-Modified", formatdate(stat.st_mtime, usegmt=True))
        if self._not_modified(req, resp, etag):
            return
        self._send_bytes(req, resp, target.read_bytes(), CONTENT_TYPES[target.suffix.lower()], etag=etag)

    def _send_bytes(self, req, resp, data: bytes, content_type: str, etag: str | None = None):
        if etag is None:
            etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
            if self._not_modified(req, resp, etag):
                return
        self._common_headers(resp, etag)
        resp.status = falcon.HTTP_200
        resp.content_type = content_type
        resp.content_length = len(data)
        resp.data = b"" if req.method == "HEAD" else data

    def _not_modified(self, req, resp, etag: str) -> bool:
        wanted = req.get_header("If-None-Match") or ""
        if etag in [tag.strip() for tag in wanted.split(",")] or wanted.strip() == "*":
            self._common_headers(resp, etag)
            resp.status = falcon.HTTP_304
            return True
        return False

    @staticmethod
    def _common_headers(resp, etag: str):
        resp.set_header("ETag", etag)
        resp.set_header("Cache-Control", "no-cache")
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Referrer-Policy", "no-referrer")
        resp.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
