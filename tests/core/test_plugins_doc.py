"""docs/plugins.md documents every hook of jhe_core/hookspecs.py: its exact signature, its
arguments, what it returns, an example, and whether it stops at the first result."""

import inspect
import re
from pathlib import Path

from jhe_core import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
SECTION = re.compile(r"^### `(\w+)\((.*?)\)`\s*$", re.M)


def hook_specs(module=hookspecs) -> dict[str, tuple[str, bool]]:
    """``{hook name: (signature as documented, first result?)}`` from the hookspec module."""
    specs = {}
    for name, function in vars(module).items():
        options = getattr(function, "jhe_spec", None)
        if options is not None and callable(function):
            arguments = ", ".join(inspect.signature(function).parameters)
            specs[name] = (f"{name}({arguments})", bool(options.get("firstresult")))
    return specs


def documented_sections(text: str) -> dict[str, tuple[str, str]]:
    """``{hook name: (documented signature, section text)}`` for every ``### `hook(args)``` heading."""
    matches = list(SECTION.finditer(text))
    sections = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end():end]
        body = body.split("\n## ", 1)[0]  # a section ends at the next heading of any level
        sections[match.group(1)] = (f"{match.group(1)}({match.group(2)})", body)
    return sections


def doc_problems(text: str, specs: dict | None = None) -> list[str]:
    """Every way ``text`` falls short of documenting ``specs``; empty when it is complete."""
    specs = hook_specs() if specs is None else specs
    sections = documented_sections(text)
    problems = []
    for name, (signature, first_result) in specs.items():
        if name not in sections:
            problems.append(f"{name}: not documented (expected a section '### `{signature}`')")
            continue
        documented, body = sections[name]
        body = " ".join(body.split())  # phrases may be wrapped across lines
        if documented != signature:
            problems.append(f"{name}: documented as {documented}, hookspecs.py has {signature}")
        arguments = signature[len(name) + 1:-1]
        for argument in filter(None, arguments.split(", ")):
            if f"`{argument}`" not in body:
                problems.append(f"{name}: argument `{argument}` is not described")
        if "**Returns:**" not in body:
            problems.append(f"{name}: no **Returns:** line")
        if "```python" not in body:
            problems.append(f"{name}: no example")
        if first_result and "first non-None result" not in body:
            problems.append(f"{name}: a first-result hook; say that it stops at the first non-None result")
    for name in sections:
        if name not in specs:
            problems.append(f"{name}: documented but hookspecs.py has no such hook")
    return problems


def test_every_hook_is_documented_with_its_signature():
    assert doc_problems(DOC.read_text(encoding="utf-8")) == []


def test_hooks_are_documented_in_lifecycle_order_of_the_specs():
    documented = list(documented_sections(DOC.read_text(encoding="utf-8")))
    assert documented == list(hook_specs())


def _without_section(text: str, name: str) -> str:
    start = text.index(f"### `{name}(")
    end = text.index("\n### ", start + 1)
    return text[:start] + text[end + 1:]


def test_checker_reports_an_undocumented_hook():
    text = _without_section(DOC.read_text(encoding="utf-8"), "register_routes")
    assert doc_problems(text) == ["register_routes: not documented (expected a section '### `register_routes(exchange)`')"]


def test_checker_reports_a_changed_signature():
    text = DOC.read_text(encoding="utf-8")
    specs = {**hook_specs(), "register_routes": ("register_routes(exchange, prefix)", False)}
    assert doc_problems(text, specs) == [
        "register_routes: documented as register_routes(exchange), hookspecs.py has register_routes(exchange, prefix)",
        "register_routes: argument `prefix` is not described"]


def test_checker_reports_a_hook_that_no_longer_exists():
    specs = {name: spec for name, spec in hook_specs().items() if name != "startup"}
    assert doc_problems(DOC.read_text(encoding="utf-8"), specs) == [
        "startup: documented but hookspecs.py has no such hook"]


def test_checker_reports_missing_example_returns_and_first_result_note():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### `send_email(")
    section = text[start:text.index("\n## ", start)]
    stripped = (section.replace("```python", "```text").replace("**Returns:**", "Returns:")
                .replace("first non-None result", "first answer"))
    assert doc_problems(text.replace(section, stripped)) == [
        "send_email: no **Returns:** line", "send_email: no example",
        "send_email: a first-result hook; say that it stops at the first non-None result"]
