import pytest

from tinhso.accounts.models import User
from tinhso.demo.accounts import create_demo_accounts
from tinhso.demo.health import create_demo_certificate, create_demo_health
from tinhso.health import certificates, dcc
from tinhso.health.services import load_facilities


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"


def test_congdan_has_a_valid_certificate_once(db):
    load_facilities()
    create_demo_accounts()
    create_demo_health()
    certificate = create_demo_certificate()
    assert certificate is not None
    assert create_demo_certificate() is None  # a second bootstrap adds nothing
    congdan = User.objects.get(username="congdan")
    assert list(certificates.certificates_of_user(congdan)) == [certificate]
    verified = dcc.verify_hc1(certificate.hc1, trust_list=certificates.trust_list())
    assert verified.hcert["v"][0]["dn"] == 3 and verified.hcert["v"][0]["mp"] == "EU/1/20/1528"
    assert certificate.document.owner == congdan
