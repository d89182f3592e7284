"""The console commands: import with a progress bar and --resume, dedup."""

import io

import pytest
from django.core.management import CommandError, call_command

from tinhso.population import importing
from tinhso.population.models import ImportBatch, SourceRecord


@pytest.mark.django_db
def test_import_population_shows_progress_and_resumes(tmp_path, monkeypatch):
    out = tmp_path / "p.csv"
    call_command("generate_population", rows=300, seed=4, output=str(out), stdout=io.StringIO())
    monkeypatch.setattr(importing, "CHUNK", 100)
    batch = importing.start_import(actor=None, path=out, run=False)
    importing.run_import(batch, stop_after_chunks=1)  # as if the machine went down
    err, stdout = io.StringIO(), io.StringIO()
    call_command("import_population", resume=batch.pk, stderr=err, stdout=stdout)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert batch.rows_ok + batch.rows_bad == 300
    assert SourceRecord.objects.count() == batch.rows_ok
    assert "100.0%" in err.getvalue() and "rows imported" in stdout.getvalue()


@pytest.mark.django_db
def test_import_population_refuses_a_file_with_wrong_columns(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,An\n", encoding="utf-8")
    with pytest.raises(CommandError, match="full_name"):
        call_command("import_population", str(bad), stderr=io.StringIO())


def test_dedup_needs_its_files(tmp_path):
    with pytest.raises(CommandError, match="--input"):
        call_command("dedup", stdout=io.StringIO())
    wrong = tmp_path / "w.csv"
    wrong.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("dedup", input=str(wrong), output=str(tmp_path / "o.csv"))
