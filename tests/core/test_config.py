"""Config layering, secrets, masking and every error path."""

import pytest

from jhe_core.config import ConfigError, load_config
from jhe_core.testing import make_test_app


def write(tmp_path, text):
    path = tmp_path / "jhe.toml"
    path.write_text(text)
    return str(path)


def test_defaults_apply_without_any_layer():
    config = load_config(environ={})
    assert config.get("auth.access_token_lifetime") == 36000
    assert config.get("server.port") == 8000
    assert config.database_url.startswith("sqlite:///")


def test_layers_override_in_order(tmp_path):
    path = write(tmp_path, '[server]\nport = 9000\nworkers = 3\n[auth]\npassword_grant = false\n')
    env = {"JHE_SERVER__PORT": "9100", "JHE_AUTH__ACCESS_TOKEN_LIFETIME": "60"}
    config = load_config(path, overrides={"server": {"port": 9200}}, environ=env)
    assert config.get("server.port") == 9200          # explicit override beats all
    assert config.get("server.workers") == 3          # file beats default
    assert config.get("auth.access_token_lifetime") == 60  # environment beats default
    assert config.get("auth.password_grant") is False


def test_environment_beats_file(tmp_path):
    path = write(tmp_path, '[server]\nport = 9000\n')
    assert load_config(path, environ={"JHE_SERVER__PORT": "9100"}).get("server.port") == 9100


def test_jhe_config_variable_names_the_file(tmp_path):
    path = write(tmp_path, 'base_url = "https://jhe.example.org"\n')
    assert load_config(environ={"JHE_CONFIG": path}).get("base_url") == "https://jhe.example.org"


def test_environment_lists_and_booleans():
    env = {"JHE_PLUGINS__DISABLED": "portal,email", "JHE_AUTH__PASSWORD_GRANT": "no"}
    config = load_config(environ=env)
    assert config.get("plugins.disabled") == ["portal", "email"]
    assert config.get("auth.password_grant") is False


def test_unrelated_jhe_variables_are_not_config():
    assert load_config(environ={"JHE_TEST_DATABASE_URL": "x", "JHE_CONFIG_X": "y"}).get("demo") is False


def test_secret_from_environment_is_resolved_and_masked(tmp_path):
    path = write(tmp_path, '[auth]\npatient_code_verifier = {"$env" = "MY_VERIFIER"}\n')
    config = load_config(path, environ={"MY_VERIFIER": "s3cret-verifier"})
    assert config.get("auth.patient_code_verifier") == "s3cret-verifier"
    masked = config.masked()
    assert masked["auth"]["patient_code_verifier"] == "***"
    assert "s3cret" not in repr(masked)


def test_database_password_is_masked():
    config = load_config(overrides={"database_url": "postgresql://app:hunter22@db:5432/jhe"}, environ={})
    assert "hunter22" not in config.masked()["database_url"]


def test_missing_secret_variable_names_key(tmp_path):
    path = write(tmp_path, '[auth]\npatient_code_verifier = {"$env" = "NOT_SET_ANYWHERE"}\n')
    with pytest.raises(ConfigError, match=r"auth.patient_code_verifier: environment variable NOT_SET_ANYWHERE"):
        load_config(path, environ={})


@pytest.mark.parametrize("text, message", [
    ('[server]\nport = "eighty"\n', r"^server.port: expected integer, got \"eighty\"$"),
    ('[server]\nport = 99999\n', r"^server.port: expected a number <= 65535"),
    ('[server]\nportt = 1\n', r"^server.portt: unknown key$"),
    ('colour = "blue"\n', r"^colour: unknown key$"),
    ('database_url = "mysql://x"\n', r"^database_url: expected a value matching"),
    ('[fhir]\ndefault_count = 500\nmax_count = 100\n', r"^fhir.default_count: expected a number <= fhir.max_count"),
    ('[plugins]\ndisabled = "portal"\n', r"^plugins.disabled: expected array"),
    ('[server\n', r"is not valid TOML"),
])
def test_bad_values_are_one_line_errors_naming_the_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_config(write(tmp_path, text), environ={})
    assert "\n" not in str(info.value)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(str(tmp_path / "nope.toml"), environ={})


class SettingsPlugin:
    """A plugin with a config section, to show validation and defaults of [plugins.<name>]."""

    from jhe_core import hookimpl

    @hookimpl
    def register_config_schemas(self):
        return {"settings-demo": {
            "type": "object", "additionalProperties": False,
            "properties": {"colour": {"enum": ["red", "green"], "default": "red"},
                           "size": {"type": "integer", "default": 3}}}}


def test_hook_register_config_schemas_fills_defaults():
    app = make_test_app(enabled=[], plugins=[("settings-demo", SettingsPlugin())], demo=False,
                        config={"plugins": {"settings-demo": {"size": 5}}})
    assert app.exchange.plugin_config("settings-demo") == {"colour": "red", "size": 5}


@pytest.mark.parametrize("section, message", [
    ({"colour": "blue"}, r"^plugins.settings-demo.colour: expected one of \['red', 'green'\]"),
    ({"shape": 1}, r"^plugins.settings-demo.shape: unknown key$"),
])
def test_hook_register_config_schemas_validates_section(section, message):
    with pytest.raises(ConfigError, match=message):
        make_test_app(enabled=[], plugins=[("settings-demo", SettingsPlugin())], demo=False,
                      config={"plugins": {"settings-demo": section}})


def test_section_for_unknown_plugin_is_an_error():
    with pytest.raises(ConfigError, match=r"^plugins.nosuch: no such plugin is installed$"):
        make_test_app(enabled=[], demo=False, config={"plugins": {"nosuch": {"a": 1}}})
