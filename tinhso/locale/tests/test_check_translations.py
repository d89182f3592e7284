"""check_translations.py: what `make test` says about the English catalogue."""

import importlib.util
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "check_translations.py"
_spec = importlib.util.spec_from_file_location("check_translations", _SCRIPT)
assert _spec is not None and _spec.loader is not None
check_translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_translations)

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'


def _po(tmp_path, body, header=HEADER):
    path = tmp_path / "django.po"
    path.write_text(header + body, encoding="utf-8")
    return path


def _run(path, capsys):
    status = check_translations.main([str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_real_catalogue_is_complete(capsys):
    status, out, _ = _run(check_translations.DEFAULT_PO, capsys)
    assert status == 0 and "none fuzzy" in out


def test_a_complete_catalogue_passes_and_obsolete_entries_do_not_count(tmp_path, capsys):
    path = _po(
        tmp_path,
        '#: a.py:1\nmsgid "Hồ sơ"\nmsgstr "Dossier"\n\n'
        'msgid "một tệp"\nmsgid_plural "%(n)s tệp"\nmsgstr[0] "one file"\nmsgstr[1] "%(n)s files"\n\n'
        '#~ msgid "Cũ"\n#~ msgstr ""\n',
    )
    status, out, _ = _run(path, capsys)
    assert status == 0
    assert "all 2 messages translated, none fuzzy" in out


def test_empty_fuzzy_and_untranslated_plurals_are_listed_with_their_line(tmp_path, capsys):
    path = _po(
        tmp_path,
        'msgid "Đã dịch"\nmsgstr "Translated"\n\n'
        'msgid "Chưa dịch"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Mờ"\nmsgstr "Fuzzy"\n\n'
        'msgid "một"\nmsgid_plural "nhiều"\nmsgstr[0] "one"\nmsgstr[1] ""\n',
    )
    status, out, _ = _run(path, capsys)
    assert status == 1
    assert "3 of 4 messages need attention" in out
    assert "line 9 [empty msgstr]: msgid 'Chưa dịch'" in out
    assert "[fuzzy]: msgid 'Mờ'" in out
    assert "[empty msgstr]: msgid 'một'" in out
    assert "Đã dịch" not in out


def test_a_fuzzy_header_is_reported(tmp_path, capsys):
    path = _po(tmp_path, 'msgid "Có"\nmsgstr "Yes"\n', header="#, fuzzy\n" + HEADER)
    status, out, _ = _run(path, capsys)
    assert status == 1 and "header [header is fuzzy]" in out


@pytest.mark.parametrize(
    "content", ['msgid "a"\nmsgid "b"\nmsgstr ""\n', "đây không phải po\n", None]
)
def test_an_unreadable_or_broken_file_is_status_2(tmp_path, capsys, content):
    path = tmp_path / "django.po"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    status, _, err = _run(path, capsys)
    assert status == 2 and str(path) in err
