"""Configuration from COUNSEL_* environment variables."""

import os
import stat
from pathlib import Path

import pytest

from counsel import ROOT, config, create_app
from counsel.extensions import db


@pytest.fixture
def env(monkeypatch):
    """A clean COUNSEL_* environment; env(NAME=value) sets variables without the prefix."""
    for name in list(os.environ):
        if name.startswith(config.ENV_PREFIX):
            monkeypatch.delenv(name)

    def _set(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(config.ENV_PREFIX + name, value)

    return _set


def test_defaults_stay_on_this_machine(env, tmp_path):
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'counsel.db'}"
    assert settings["REDIS_URL"] is None
    assert settings["UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert settings["MAX_UPLOAD_MB"] == 20 and settings["TURN_TTL"] == 86400
    # No public STUN or TURN server unless the operator names one.
    assert settings["STUN_URLS"] == settings["TURN_URLS"] == []
    assert settings["TURN_SECRET"] is None and settings["ALLOWED_ORIGINS"] == []
    assert (settings["HTTPS"], settings["SESSION_COOKIE_SECURE"]) == (False, False)
    assert settings["SESSION_COOKIE_NAME"] == "counsel" and settings["PROXY_HOPS"] == 0


def test_every_variable_is_read(env, tmp_path):
    env(
        DATABASE_URL="postgresql+psycopg://counsel@db/counsel",
        REDIS_URL="redis://127.0.0.1:6379/3",
        UPLOAD_DIR="/srv/uploads",
        MAX_UPLOAD_MB="5",
        STUN_URLS="stun:turn.example.org:3478, ,stun:other.example.org",
        TURN_URLS="turns:turn.example.org:5349",
        TURN_SECRET="s3cret",
        TURN_TTL="600",
        ALLOWED_ORIGINS="https://counsel.example.org",
        PRESENCE_GRACE_SECONDS="30",
        MAX_SOCKETS_PER_WORKER="100",
        PROXY_HOPS="1",
    )
    settings = config.from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://counsel@db/counsel"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert settings["UPLOAD_DIR"] == "/srv/uploads"
    assert settings["STUN_URLS"] == ["stun:turn.example.org:3478", "stun:other.example.org"]
    assert settings["TURN_URLS"] == ["turns:turn.example.org:5349"]
    assert (settings["TURN_SECRET"], settings["TURN_TTL"]) == ("s3cret", 600)
    assert settings["ALLOWED_ORIGINS"] == ["https://counsel.example.org"]
    numbers = ("MAX_UPLOAD_MB", "PRESENCE_GRACE_SECONDS", "MAX_SOCKETS_PER_WORKER", "PROXY_HOPS")
    assert [settings[name] for name in numbers] == [5, 30, 100, 1]


def test_https_makes_the_cookie_secure_and_host_prefixed(env, tmp_path):
    env(HTTPS="true")
    settings = config.from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_NAME"] == "__Host-counsel"
    assert settings["SESSION_COOKIE_SECURE"] is settings["REMEMBER_COOKIE_SECURE"] is True


def test_a_bad_number_names_the_variable(env, tmp_path):
    env(MAX_UPLOAD_MB="twenty")
    with pytest.raises(ValueError, match="COUNSEL_MAX_UPLOAD_MB must be a whole number"):
        config.from_environment(str(tmp_path))


def test_the_secret_key_is_generated_once_and_private(env, tmp_path):
    first = config.load_secret_key(str(tmp_path / "instance"))
    key_file = tmp_path / "instance" / "secret_key"
    assert len(first) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.load_secret_key(str(tmp_path / "instance")) == first
    assert sorted(path.name for path in key_file.parent.iterdir()) == ["secret_key"]


def test_a_configured_secret_key_wins_and_writes_nothing(env, tmp_path):
    env(SECRET_KEY="from-the-environment")
    assert config.load_secret_key(str(tmp_path)) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_the_app_uses_the_environment(env, tmp_path):
    env(DATABASE_URL=f"sqlite:///{tmp_path / 'env.db'}", MAX_UPLOAD_MB="1", SECRET_KEY="k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    # The request limit leaves room for the multipart envelope around a 1 MB file.
    assert 1024 * 1024 < app.config["MAX_CONTENT_LENGTH"] < 2 * 1024 * 1024
    assert Path(app.instance_path).is_dir()
    with app.app_context():
        db.engine.dispose()


SAMPLES = {type(None): "text-value", str: "text-value", int: "7", float: "2.5", bool: "true"}
PARSED = {type(None): "text-value", str: "text-value", int: 7, float: 2.5, bool: True}


@pytest.mark.parametrize("name", sorted(config.TUNABLES))
def test_every_tunable_is_read_from_its_variable(env, tmp_path, name):
    kind = type(config.TUNABLES[name])
    env(**{name: "a, b" if kind is list else SAMPLES[kind]})
    expected = ["a", "b"] if kind is list else PARSED[kind]
    assert config.from_environment(str(tmp_path))[name] == expected


def test_every_tunable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in config.TUNABLES if f"| `COUNSEL_{name}` |" not in readme]
    assert missing == []


def refuse_key_files(monkeypatch) -> None:
    """Make any attempt to read or write instance/secret_key fail the test."""

    def refused(*_args):
        raise AssertionError("a test app touched the secret key file")

    monkeypatch.setattr(config, "load_secret_key", refused)
    monkeypatch.setattr(config, "_create_key_file", refused)


def listing(folder: Path) -> list[str] | None:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else None


def test_a_test_app_ignores_the_environment_and_writes_nothing(env, tmp_path, monkeypatch):
    env(REDIS_URL="redis://192.0.2.1:6379/0", SECRET_KEY="from-the-environment", HTTPS="true")
    env(MAX_UPLOAD_MB="1", DATABASE_URL="postgresql+psycopg://nobody@192.0.2.1/counsel")
    refuse_key_files(monkeypatch)
    instance = ROOT / "instance"
    before = listing(instance)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'mapped.db'}"})
    assert app.config["REDIS_URL"] is None
    assert type(app.extensions["counsel.relay"]).__name__ == "LocalRelay"
    secret_key = app.config["SECRET_KEY"]
    assert secret_key != "from-the-environment" and len(secret_key) >= 40
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("mapped.db")
    assert (app.config["MAX_UPLOAD_MB"], app.config["SESSION_COOKIE_NAME"]) == (20, "counsel")
    assert listing(instance) == before
    with app.app_context():
        db.engine.dispose()


def test_each_test_app_without_a_key_gets_its_own_ephemeral_one(env, monkeypatch):
    refuse_key_files(monkeypatch)
    first, second = create_app({}), create_app({})
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]
    assert first.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"  # in memory: no file at all


def test_derived_settings_follow_the_mapping_unless_it_sets_them(env):
    app = create_app({"HTTPS": True, "MAX_UPLOAD_MB": 1, "REMEMBER_COOKIE_SECURE": False})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-counsel"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is False  # set by the mapping itself
    assert 1024 * 1024 < app.config["MAX_CONTENT_LENGTH"] < 2 * 1024 * 1024
