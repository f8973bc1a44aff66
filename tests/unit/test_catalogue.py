"""The catalogues: every message id in the source is translated in both, and they compile."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from counsel.i18n import LANGUAGES, SOURCE
from counsel.i18n.compiled import compile_catalogues
from counsel.i18n.extract import browser_ids, source_messages

PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalogue(language: str):
    with (SOURCE / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def source_ids() -> dict[str, str]:
    """Each message id Babel extracts from the source, with one file it comes from."""
    return {key(message): filename for filename, message in source_messages()}


def translations(language: str) -> dict[str, tuple[str, ...]]:
    """Each id of a catalogue with its translation(s)."""
    found = {}
    for message in catalogue(language):
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found[key(message.id)] = strings
    return found


def test_babel_finds_the_python_template_and_script_strings():
    files = set(source_ids().values())
    assert any(name.startswith("counsel/") for name in files)
    assert any(name.startswith("templates/") for name in files)
    assert any(name.startswith("static/js/") for name in files)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_source_message_is_translated(language):
    translated = translations(language)
    missing = sorted(
        f"{where}: {message!r}"
        for message, where in source_ids().items()
        if not all(translated.get(message, ("",)))
    )
    assert missing == [], f"missing or empty in {language}/messages.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = [
        message
        for message, strings in translations(language).items()
        for string in strings
        if set(PLACEHOLDERS.findall(string)) != set(PLACEHOLDERS.findall(message))
        and not message.endswith("entry")  # plural: "%(num)d entry" has the same placeholder
    ]
    assert wrong == []


def test_the_korean_catalogue_uses_the_counseling_office_words():
    korean = {message: strings[0] for message, strings in translations("ko").items()}
    assert korean["expert"] == "상담사" and korean["member"] == "내담자"
    assert korean["Your request was sent to %(name)s."].endswith("상담사에게 상담을 요청했어요.")
    for english, expected in {
        "Log in": "로그인",
        "Log out": "로그아웃",
        "Request a session": "상담 요청",
        "Accept": "수락",
        "Decline": "거절",
        "Cancel": "취소",
        "End session": "상담 종료",
        "Turn camera off": "카메라 끄기",
        "Mute microphone": "마이크 끄기",
        "Share a file": "파일 보내기",
    }.items():
        assert korean[english] == expected, english


def test_the_browser_strings_are_the_scripts_t_calls():
    ids = browser_ids()
    assert "Connected with {name}" in ids and "Turn camera off" in ids
    assert all(source_ids()[message].startswith("static/js/") for message in ids)


def test_catalogues_compile_once_and_again_when_the_po_changes(tmp_path):
    source = tmp_path / "source"
    for language in LANGUAGES:
        po = source / language / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_bytes((SOURCE / language / "LC_MESSAGES" / "messages.po").read_bytes())
    target = tmp_path / "compiled"
    assert len(compile_catalogues(source, target, LANGUAGES)) == 2
    assert compile_catalogues(source, target, LANGUAGES) == []
    ko_po = source / "ko" / "LC_MESSAGES" / "messages.po"
    later = (target / "ko" / "LC_MESSAGES" / "messages.mo").stat().st_mtime + 10
    os.utime(ko_po, (later, later))
    [written] = compile_catalogues(source, target, LANGUAGES)
    assert written == target / "ko" / "LC_MESSAGES" / "messages.mo"
    with written.open("rb") as handle:
        assert read_mo(handle).get("Log in").string == "로그인"
    assert [p.name for p in written.parent.iterdir()] == ["messages.mo"]  # no draft left


def test_compiled_catalogues_are_not_committed():
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text().split()
    assert "*.mo" in ignored
    assert not list(SOURCE.rglob("*.mo"))
