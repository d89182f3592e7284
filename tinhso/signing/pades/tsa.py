"""The in-process timestamping authority that signs the signature timestamps
(RFC 3161 tokens from a key we hold, no network)."""

from __future__ import annotations

import functools

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


class _LocalTimeStamper(DummyTimeStamper):
    """pyHanko's in-process TSA (``DummyTimeStamper``: RFC 3161 tokens signed with a
    key we hold, no network), extended to ECDSA keys: the stock class signs with RSA
    only. Tokens carry an ESS signing-certificate-v2 attribute and embed the issuing
    CA so validators can build the TSA's chain."""

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
        private_key = self._private_key()
        if not isinstance(private_key, ec.EllipticCurvePrivateKey):
            return super()._sign_tst_info(tst_info_data, md_algorithm, dt)
        md_algorithm = md_algorithm.lower()
        hash_cls = _HASHES[md_algorithm]
        digest = hashes.Hash(hash_cls())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                cms.CMSAttribute.load(self._ess_attribute(md_algorithm)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = private_key.sign(signed_attrs.dump(), ec.ECDSA(hash_cls()))
        return signature, signed_attrs

    def _private_key(self):
        if getattr(self, "_key", None) is None:
            self._key = serialization.load_der_private_key(self.tsa_key.dump(), password=None)
        return self._key

    def _ess_attribute(self, md_algorithm: str) -> bytes:
        return _ess_attribute(self.tsa_cert.dump(), md_algorithm)

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs):
        signed_data = super()._build_signed_data(
            tst_info_data, md_algorithm, signature, signed_attrs
        )
        if self.tsa_cert.public_key.algorithm == "ec":
            signed_data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
                {"algorithm": f"{md_algorithm.lower()}_ecdsa"}
            )
        return signed_data


@functools.lru_cache(maxsize=16)
def _ess_attribute(tsa_cert_der: bytes, md_algorithm: str) -> bytes:
    """The TSA's signing-certificate-v2 attribute, encoded once per certificate:
    building it from asn1crypto values costs ~10 ms a token."""
    return simple_cms_attribute(
        "signing_certificate_v2",
        as_signing_certificate_v2(asn1_x509.Certificate.load(tsa_cert_der), hash_algo=md_algorithm),
    ).dump()


_HASHES = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
