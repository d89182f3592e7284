from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from tinhso.audit.models import AuditEvent
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.oidc import services
from tinhso.oidc.models import Client, NationalIdentity

pytestmark = pytest.mark.django_db


def test_oidc_client_prints_the_id_and_the_secret_once_and_keeps_only_a_hash():
    out = io.StringIO()
    call_command(
        "oidc_client",
        "--name",
        "Cổng giáo dục",
        "--redirect-uri",
        "https://giaoduc.quangninh.example/callback",
        "--scopes",
        "openid",
        "profile",
        stdout=out,
    )
    client_id, secret = out.getvalue().split()
    client = Client.objects.get(client_id=client_id)
    assert client.name == "Cổng giáo dục"
    assert client.redirect_uris == "https://giaoduc.quangninh.example/callback"
    assert client.scope_list() == ["openid", "profile"]
    assert not client.personal_id_approved
    assert client.client_secret != secret and check_password(secret, client.client_secret)
    assert client.algorithm == Client.RS256_ALGORITHM
    event = AuditEvent.objects.get(action="oidc.client_registered")
    assert event.object_id == client_id and secret not in str(event.after)


def test_asking_for_personal_id_at_registration_is_the_province_approval():
    client, _ = services.register_client(
        actor=None,
        name="IOC",
        redirect_uris=["https://ioc.quangninh.example/cb"],
        scopes=["personal_id"],
    )
    assert client.personal_id_approved
    assert client.scope_list() == ["openid", "personal_id"]


def test_an_unknown_scope_or_a_bad_redirect_uri_is_refused():
    with pytest.raises(CommandError, match="email2"):
        call_command(
            "oidc_client", "--name", "X", "--redirect-uri", "https://x.example/cb",
            "--scopes", "openid", "email2", stdout=io.StringIO(),
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.register_client(actor=None, name="X", redirect_uris=["ftp://x.example/cb"])
    assert not Client.objects.exists()


def test_only_the_province_administrators_register_clients(citizen, make_staff, province_admin):
    for someone in (citizen, make_staff("administrator", "SXD")):
        with pytest.raises(PermissionDenied):
            services.register_client(
                actor=someone, name="X", redirect_uris=["https://x.example/cb"]
            )
    client, _ = services.register_client(
        actor=province_admin, name="Y", redirect_uris=["https://y.example/cb"]
    )
    assert client.pk


ISSUER = "https://vneid.example.gov.vn"


def _claims(person, sub="vneid-sub-1", **extra):
    return {"iss": ISSUER, "sub": sub, "personal_id": person.personal_id, **extra}


def test_the_national_identity_links_the_account_holding_its_personal_id(citizen, settings):
    user = services.link_national_identity(issuer=ISSUER, claims=_claims(citizen))
    assert user == citizen
    link = NationalIdentity.objects.get()
    assert (link.user, link.subject) == (citizen, "vneid-sub-1")
    event = AuditEvent.objects.get(action="oidc.national_identity_linked")
    assert citizen.personal_id not in str(event.after)  # masked
    # Next time the (issuer, subject) finds it again.
    assert services.link_national_identity(issuer=ISSUER, claims=_claims(citizen)) == citizen
    assert NationalIdentity.objects.count() == 1


def test_national_claims_that_do_not_fit_are_refused(citizen, make_citizen):
    with pytest.raises(services.NoAccountForPersonalId):
        services.link_national_identity(
            issuer=ISSUER, claims={"iss": ISSUER, "sub": "x", "personal_id": "022190000017"}
        )
    with pytest.raises(services.NationalSignInFailed):
        services.link_national_identity(issuer=ISSUER, claims=_claims(citizen, personal_id="1"))
    with pytest.raises(services.NationalSignInFailed):
        services.link_national_identity(issuer=ISSUER, claims=_claims(citizen, iss="https://x"))
    services.link_national_identity(issuer=ISSUER, claims=_claims(citizen))
    other = make_citizen(birth=datetime.date(1985, 1, 2), sex="male")
    # The same national subject now claiming another person's number,
    with pytest.raises(services.IdentityMismatch):
        services.link_national_identity(issuer=ISSUER, claims=_claims(other))
    # and another national subject claiming an account already linked.
    with pytest.raises(services.IdentityMismatch):
        services.link_national_identity(issuer=ISSUER, claims=_claims(citizen, sub="vneid-2"))
    assert NationalIdentity.objects.count() == 1


def test_a_stranger_who_registered_your_id_does_not_get_your_national_sign_in(make_citizen):
    """Anyone can register with anyone's personal ID: the national sign-in links such an
    unverified account only for the person signed in to it, never hands it over."""
    squatter = make_citizen(verified=False)
    with pytest.raises(services.NationalSignInFailed):
        services.link_national_identity(issuer=ISSUER, claims=_claims(squatter))
    assert not NationalIdentity.objects.exists()
    squatter.refresh_from_db()
    assert not squatter.is_identity_verified


def test_the_holder_signed_in_links_and_is_verified_by_the_national_identity(make_citizen):
    holder = make_citizen(verified=False)
    user = services.link_national_identity(issuer=ISSUER, claims=_claims(holder), signed_in=holder)
    assert user == holder and user.is_identity_verified
    assert AuditEvent.objects.filter(
        action="accounts.identity_verified", object_id=str(holder.pk)
    ).exists()
