"""Email templates: a tiny ``{{ name }}`` renderer with HTML escaping, and the lookup of named
templates through a deployment's folder, the caller's folders and the plugin's defaults.

A named template ``NAME`` is up to three files found independently along the search path:
``NAME.subject.txt`` (required), ``NAME.txt`` (required) and ``NAME.html`` (optional). The body
is wrapped in ``layout.txt`` / ``layout.html`` (its ``{{ content }}``) unless an HTML template is
a whole document (starts with ``<!DOCTYPE`` or ``<html``).

Placeholders are ``{{ key }}`` or ``{{ key.sub }}`` (dict keys, or public attributes of objects).
In HTML every value is escaped unless it is ``Markup``; a placeholder with no value is an error,
never silently empty, so a typo in a deployment's override shows up at the first send.
"""

import html
import re
from pathlib import Path

from jhe_core import ServiceUnavailable

from jhe_plugins.email.settings import email_settings, templates_dir

BUILTIN_DIR = Path(__file__).parent / "templates"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
WHOLE_DOCUMENT = re.compile(r"^\s*(<!doctype|<html)", re.IGNORECASE)
_MISSING = object()


class TemplateError(ServiceUnavailable):
    """A template is missing or uses a placeholder the context does not give (503: the
    deployment's email setup is broken, not the caller's request)."""


class Markup(str):
    """Text that is already safe HTML: inserted into HTML templates without escaping."""


def render_string(source: str, context: dict, *, as_html: bool, origin: str = "template") -> str:
    """Fill ``{{ key }}`` placeholders from ``context``; escape values when ``as_html``."""

    def substitute(match):
        value = lookup(context, match.group(1))
        if value is _MISSING:
            raise TemplateError(f"email template {origin}: no value for {{{{ {match.group(1)} }}}}")
        if value is None:
            return ""
        if as_html and not isinstance(value, Markup):
            return html.escape(str(value), quote=True)
        return str(value)

    return PLACEHOLDER.sub(substitute, source)


def lookup(context: dict, dotted: str):
    node = context
    for part in dotted.split("."):
        if isinstance(node, dict):
            node = node.get(part, _MISSING)
        elif not part.startswith("_"):
            node = getattr(node, part, _MISSING)
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


def search_path(exchange, search_dirs=()) -> list[Path]:
    """Where templates are looked up, first match wins: the deployment's ``templates_dir``, then
    the caller's own folders, then this plugin's defaults."""
    deployment = templates_dir(exchange)
    return [*([deployment] if deployment else []), *(Path(d) for d in search_dirs), BUILTIN_DIR]


def find_template_file(path: list[Path], filename: str) -> Path | None:
    for folder in path:
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    return None


def read_template(path: list[Path], filename: str, *, required: bool) -> tuple[str | None, str]:
    found = find_template_file(path, filename)
    if found is None:
        if required:
            raise TemplateError(f"email template {filename} not found in {', '.join(str(p) for p in path)}")
        return None, filename
    try:
        return found.read_text(encoding="utf-8"), str(found)
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"email template {found} cannot be read: {exc}") from None


def base_context(exchange) -> dict:
    """Values every template may use."""
    return {"site_name": email_settings(exchange).get("site_name", ""), "base_url": exchange.base_url()}


def render_template(exchange, name: str, context: dict | None = None, search_dirs=()) -> dict:
    """Render the named email template.

    :param exchange: the app's ``Exchange`` (for the deployment's ``templates_dir``).
    :param name: the template name (letters, digits, ``-`` and ``_``).
    :param context: the values for its placeholders (escaped in HTML unless ``Markup``).
    :param search_dirs: the caller's own template folders, searched after the deployment's
        folder and before this plugin's defaults.
    :returns: ``{"subject", "text", "html"}`` (``html`` is None without an HTML template), a
        dict ``send_email`` accepts once ``"to"`` is added.
    """
    if not isinstance(name, str) or not TEMPLATE_NAME.match(name):
        raise TemplateError(f"email template name {name!r} is not valid (letters, digits, - and _)")
    path = search_path(exchange, search_dirs)
    values = {**base_context(exchange), **(context or {})}

    subject_source, origin = read_template(path, f"{name}.subject.txt", required=True)
    # A subject is one header line: folding any newline away also stops header injection.
    subject = " ".join(render_string(subject_source, values, as_html=False, origin=origin).split())

    text_source, origin = read_template(path, f"{name}.txt", required=True)
    text = render_string(text_source, values, as_html=False, origin=origin)
    layout_source, origin = read_template(path, "layout.txt", required=False)
    if layout_source is not None:
        text = render_string(layout_source, {**values, "content": text.strip("\n")}, as_html=False, origin=origin)

    html_source, origin = read_template(path, f"{name}.html", required=False)
    html_body = None
    if html_source is not None:
        html_body = render_string(html_source, values, as_html=True, origin=origin)
        if not WHOLE_DOCUMENT.match(html_body):
            layout_source, origin = read_template(path, "layout.html", required=True)
            html_body = render_string(layout_source, {**values, "subject": subject, "content": Markup(html_body)},
                                      as_html=True, origin=origin)
    return {"subject": subject, "text": text, "html": html_body}
