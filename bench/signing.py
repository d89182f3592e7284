"""Benchmark of PDF signing on one core: how much our PAdES B-T signature with the
visible Vietnamese stamp and QR code costs next to plain pyHanko.

    .venv/bin/python bench/signing.py
    BENCH_SECONDS=10 .venv/bin/python bench/signing.py

(a) baseline: plain pyHanko PdfSigner, ECDSA P-256, PAdES B-B, invisible signature,
    no timestamp, no stamp;
(b) tinhso.signing.pades.sign.sign_pdf: B-T (in-process TSA), visible stamp with an
    embedded DejaVu Sans subset and a QR code;
(c) for reference, tinhso.signing.pades.verify.verify_pdf of (b)'s output with a CRL.

Both signers sign the same one-page PDF in the same run. Prints numbers; asserts
nothing.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from asn1crypto import keys as asn1_keys  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko_certvalidator.registry import SimpleCertificateStore  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from tinhso.signing import pades  # noqa: E402

FONT = ROOT / "tinhso" / "static" / "fonts" / "DejaVuSans.ttf"
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))


def one_page_pdf() -> bytes:
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("DejaVuSans", 14)
    page.drawString(72, 760, "GIẤY PHÉP LÁI XE — cấp đổi")
    page.drawString(72, 740, "Sở Giao thông vận tải tỉnh Quảng Ninh")
    page.showPage()
    page.save()
    return out.getvalue()


def rate(label: str, fn) -> float:
    fn()  # warm up: imports, font parsing, caches
    count, start = 0, time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= SECONDS:
            break
    per_second = count / elapsed
    print(f"{label:58} {per_second:8.1f} /s   ({1000 / per_second:6.1f} ms each, n={count})")
    return per_second


def main() -> None:
    logging.disable(logging.WARNING)  # pyHanko / fontTools chatter on every signature
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        print(f"pinned to CPU {cpu}")
    pdf = one_page_pdf()
    pki = pades.make_pki(
        province_name="Quảng Ninh", crl_url="https://tinhso.example/pki/issuing.crl"
    )
    key_pem, cert_pem = pades.issue_signer_certificate(
        pki, common_name="Lê Quang Huy", organisation="Sở Tư pháp tỉnh Quảng Ninh", email=""
    )
    crl = pades.make_crl(pki, revoked=[])

    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate(cert_pem).public_bytes(der)
        ),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            serialization.load_pem_private_key(key_pem, None).private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(pki.issuing_cert.public_bytes(der))]
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )

    def baseline() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()

    def ours(embed_crl=None) -> bytes:
        return pades.sign_pdf(
            pdf,
            signer_key_pem=key_pem,
            signer_cert_pem=cert_pem,
            pki=pki,
            stamp_lines=[
                "Ký bởi: Lê Quang Huy",
                "Sở Tư pháp tỉnh Quảng Ninh",
                "Thời gian: 23/11/2026 10:15",
                "Số: 1234/GP-STP",
            ],
            qr_url="https://tinhso.example/xac-thuc/?ma=G22.2026.000123",
            font_path=str(FONT),
            reason="Kết quả giải quyết hồ sơ G22.2026.000123",
            location="Hạ Long, Quảng Ninh",
            embed_crl=embed_crl,
        )

    print(f"one-page PDF: {len(pdf):,} bytes; {SECONDS:g} s per measurement\n")
    a = rate("(a) plain pyHanko, ECDSA P-256, B-B, no stamp", baseline)
    b = rate("(b) sign_pdf: B-T + visible stamp (TTF subset) + QR", ours)
    c = rate("(b') sign_pdf as (b) + CRL embedded (B-LT)", lambda: ours(crl))
    signed = ours(crl)
    roots = [pki.to_pem_files()["root.crt"]]
    v = rate(
        "(c) verify_pdf of a (b') result, with the CRL",
        lambda: pades.verify_pdf(signed, trust_roots_pem=roots, crls_der=[crl]),
    )
    print()
    print(f"ratio b/a  = {b / a:.3f}   (our signature costs {a / b:.1f}x the baseline)")
    print(f"ratio b'/a = {c / a:.3f}")
    sizes = f"baseline {len(baseline()):,} bytes, ours {len(ours()):,}, with CRL {len(signed):,}"
    print(f"sizes: {sizes}")
    print(f"verify: {v:.1f}/s")


if __name__ == "__main__":
    main()
