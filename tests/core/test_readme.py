"""The README's hook list and configuration reference agree with the code."""

import inspect
import re
from pathlib import Path

from jhe_core import hookspecs
from jhe_core.config import DEFAULTS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def section(name):
    return README.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0]


def test_readme_hook_list_matches_hookspecs():
    listed = {}
    for match in re.finditer(r"^\| `(\w+)\(([^)]*)\)` \|", section("hooks"), re.M):
        listed[match.group(1)] = [a.strip() for a in match.group(2).split(",") if a.strip()]
    specs = {name: list(inspect.signature(fn).parameters)
             for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "jhe_spec")}
    assert listed == specs


def test_readme_config_reference_names_every_core_key():
    documented = section("config")
    for key, value in DEFAULTS.items():
        if isinstance(value, dict) and key != "plugins":
            for sub in value:
                assert f"`{key}.{sub}`" in documented, f"{key}.{sub} missing from README"
        elif key != "plugins":
            assert f"`{key}`" in documented, f"{key} missing from README"


def test_readme_has_exactly_two_setup_commands():
    setup = README.split("## Set-up: two commands")[1].split("Demo accounts")[0]
    assert setup.count("```bash") == 2
