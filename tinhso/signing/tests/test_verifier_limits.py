"""The public verifier bounds the work a stranger's PDF can ask for: each signature
checked once however often the form lists it, so many signatures and fields at most,
and every check in a process of its own with a CPU-time limit."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from tinhso.signing import pades, sandbox

from .test_pades import _one_page_pdf, _sign, _verify, empty_crl, pki, signed, signer  # noqa: F401


def repeat_signature_field(pdf: bytes, times: int) -> bytes:
    """The attack: an update whose AcroForm lists the one signature field `times`
    times (98 KB for 1,000)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    form = writer.root["/AcroForm"]
    field = form["/Fields"].raw_get(0)
    form["/Fields"] = generic.ArrayObject([field] * times)
    if isinstance(writer.root.raw_get("/AcroForm"), generic.IndirectObject):
        writer.update_container(form)
    else:
        writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_signature_fields(pdf: bytes, count: int, *, copies: bool) -> bytes:
    """`count` distinct fields; each with its own copy of the signature dictionary
    (`copies`), or all pointing at the same one."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    form = writer.root["/AcroForm"]
    original = form["/Fields"][0]
    value_ref = original.raw_get("/V")
    fields = []
    for n in range(count):
        value = value_ref
        if copies:
            value = writer.add_object(generic.DictionaryObject(dict(value_ref.get_object())))
        fields.append(
            writer.add_object(
                generic.DictionaryObject(
                    {
                        generic.pdf_name("/FT"): generic.pdf_name("/Sig"),
                        generic.pdf_name("/T"): generic.pdf_string(f"Chu ky {n}"),
                        generic.pdf_name("/V"): value,
                    }
                )
            )
        )
    form["/Fields"] = generic.ArrayObject(fields)
    if isinstance(writer.root.raw_get("/AcroForm"), generic.IndirectObject):
        writer.update_container(form)
    else:
        writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_field_listed_a_thousand_times_is_checked_once(signed, pki, empty_crl):  # noqa: F811
    attack = repeat_signature_field(signed, 1000)
    assert len(attack) < 150_000
    started = time.process_time()
    verdict = _verify(attack, pki, [empty_crl])
    spent = time.process_time() - started
    assert verdict.signatures == 1
    assert verdict.signer == "Lê Quang Huy"
    assert spent < 2, f"{spent:.1f} CPU seconds"


def test_many_fields_with_one_signature_are_one_signature(signed, pki, empty_crl):  # noqa: F811
    verdict = _verify(many_signature_fields(signed, 50, copies=False), pki, [empty_crl])
    assert verdict.signatures == 1


def test_more_signatures_than_anyone_signs_are_refused(signed, pki, empty_crl, settings):  # noqa: F811
    settings.VERIFY_MAX_SIGNATURES = 5
    verdict = _verify(many_signature_fields(signed, 6, copies=True), pki, [empty_crl])
    assert not verdict.valid and verdict.signatures == 0
    assert "quá nhiều chữ ký" in verdict.problems[0]


def test_too_many_form_fields_are_refused(signed, pki, empty_crl, settings):  # noqa: F811
    settings.VERIFY_MAX_FIELDS = 100
    verdict = _verify(repeat_signature_field(signed, 101), pki, [empty_crl])
    assert not verdict.valid and "quá nhiều trường biểu mẫu" in verdict.problems[0]


def burn(seconds: float) -> str:
    """Spin on the CPU (run in the verifier's process)."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return "done"


def test_a_check_that_runs_too_long_is_stopped():
    started = time.monotonic()
    with pytest.raises(sandbox.TooCostly):
        sandbox.run_limited(burn, 30, cpu_seconds=1)
    assert time.monotonic() - started < 10
    assert sandbox.run_limited(burn, 0.1, cpu_seconds=5) == "done"


@pytest.mark.django_db
def test_the_public_verifier_answers_the_attack_at_once(client, result_ready):
    from tinhso.core.uploads import open_stored

    with open_stored(result_ready.result_file) as fh:
        attack = repeat_signature_field(fh.read(), 1000)
    started = time.monotonic()
    response = client.post(
        "/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", attack, "application/pdf")}
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 200 and response.json()["signatures"] == 1


@pytest.mark.django_db
def test_a_refusal_is_said_in_vietnamese(settings, client, result_ready):
    from tinhso.core.uploads import open_stored

    settings.VERIFY_MAX_FIELDS = 10
    with open_stored(result_ready.result_file) as fh:
        attack = repeat_signature_field(fh.read(), 11)
    page = client.post(
        "/xac-thuc/", {"file": SimpleUploadedFile("a.pdf", attack, "application/pdf")}
    )
    assert "quá nhiều trường biểu mẫu" in page.content.decode()


def test_verification_in_its_own_process_says_what_it_does_in_this_one(signed, pki, empty_crl):  # noqa: F811
    here = _verify(signed, pki, [empty_crl])
    there = sandbox.verify(
        signed,
        trust_roots_pem=[pki.to_pem_files()["root.crt"]],
        crls_der=[empty_crl],
        max_bytes=20_000_000,
    )
    assert (there.valid, there.signer, there.signatures) == (here.valid, here.signer, 1)
    assert isinstance(there, pades.Verification)
