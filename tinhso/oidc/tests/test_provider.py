"""tinhso as an OpenID Connect provider, driven by Authlib (a real client library):
authorization code with PKCE, ID tokens checked against the published key set."""

from __future__ import annotations

import pytest
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet

from tinhso.audit.models import AuditEvent
from tinhso.oidc.models import ACR_PASSWORD, ACR_SECOND_FACTOR

from .conftest import CALLBACK, Flow, endpoint, query

pytestmark = pytest.mark.django_db


def verified_id_token(flow: Flow, id_token: str, *, nonce: str | None = None, refresh=False):
    """The ID token checked as a relying party does (joserfc, Authlib's JOSE library):
    signature against the JWKS the discovery document points to, then iss, aud, nonce,
    exp and iat. A refreshed ID token need not repeat the nonce (OIDC Core 12.2)."""
    discovery = get(flow, endpoint("discovery"))
    keys = KeySet.import_key_set(get(flow, discovery["jwks_uri"]))
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    assert token.header["alg"] == "RS256" and token.header["kid"]
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": discovery["issuer"]},
        aud={"essential": True, "value": flow.registered.client_id},
        nonce={"essential": not refresh, "value": nonce or flow.nonce},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
    ).validate(token.claims)
    return token.claims


def get(flow: Flow, url: str) -> dict:
    response = flow.session.get(url, withhold_token=True)
    assert response.status_code == 200
    return response.json()


def test_discovery_names_the_public_address_as_issuer(rp, client):
    flow = Flow(rp, client)
    discovery = get(flow, endpoint("discovery"))
    assert discovery["issuer"] == settings.PUBLIC_BASE_URL
    assert discovery["authorization_endpoint"] == endpoint("authorize")
    assert discovery["jwks_uri"] == endpoint("jwks")
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["response_types_supported"] == ["code"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert {"openid", "profile", "email", "phone", "personal_id"} <= set(
        discovery["scopes_supported"]
    )
    keys = get(flow, discovery["jwks_uri"])["keys"]
    assert [k["kty"] for k in keys] == ["RSA"] and "d" not in keys[0]


def test_code_flow_with_pkce_gives_a_verified_id_token_and_userinfo(rp, client, applicant):
    client.force_login(applicant)
    flow = Flow(rp, client)
    callback = flow.consent()
    assert callback.startswith(CALLBACK + "?")
    assert query(callback)["state"] == flow.state
    assert query(callback)["iss"] == settings.PUBLIC_BASE_URL  # RFC 9207

    token = flow.token(callback)
    claims = verified_id_token(flow, token["id_token"])
    assert claims["sub"] == str(applicant.pk)
    assert claims["aud"] == rp.client_id
    assert claims["nonce"] == flow.nonce
    assert claims["name"] == applicant.full_name
    assert claims["email"] == "cd@example.vn"
    assert "personal_id" not in claims
    assert claims["acr"] == ACR_PASSWORD

    info = flow.session.get(endpoint("userinfo")).json()
    assert info["sub"] == str(applicant.pk)
    assert info["phone_number"] == "0912345678"
    assert info["birthdate"] == "1990-05-12"
    assert "personal_id" not in info

    with pytest.raises(InvalidClaimError):
        verified_id_token(flow, token["id_token"], nonce="a-different-nonce")

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"oidc.client_registered", "oidc.consent_given"} <= actions


def test_a_replayed_code_is_refused(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    callback = flow.consent()
    flow.token(callback)
    with pytest.raises(OAuthError) as refused:
        flow.token(callback)
    assert refused.value.error == "invalid_grant"


def test_the_code_needs_its_own_pkce_verifier(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    callback = flow.consent()
    with pytest.raises(OAuthError) as refused:
        flow.token(callback, code_verifier="x" * 64)
    assert refused.value.error == "invalid_grant"


def test_an_authorization_request_without_pkce_is_refused(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    flow.session.code_challenge_method = None
    url, _ = flow.session.create_authorization_url(endpoint("authorize"), nonce=flow.nonce)
    response = flow.open(url)
    assert response.status_code == 302
    assert query(response["Location"])["error"] == "invalid_request"


def test_a_redirect_uri_not_registered_is_refused_without_redirecting(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    flow.session.redirect_uri = "https://ke-gian.example/callback"
    response = flow.open(flow.authorization_url())
    assert response.status_code == 400
    assert "Location" not in response
    assert "Không thể đăng nhập" in response.content.decode()


def test_personal_id_is_refused_to_a_client_the_province_did_not_approve(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client, scope="openid personal_id")
    response = flow.open(flow.authorization_url())
    assert response.status_code == 302
    assert response["Location"].startswith(CALLBACK)
    assert query(response["Location"])["error"] == "invalid_scope"


def test_personal_id_reaches_an_approved_client(register, client, citizen):
    approved = register(scopes=["openid", "profile", "personal_id"], name="Cổng dịch vụ công")
    client.force_login(citizen)
    flow = Flow(approved, client, scope="openid personal_id")
    token = flow.token(flow.consent())
    claims = verified_id_token(flow, token["id_token"])
    assert claims["personal_id"] == citizen.personal_id
    assert flow.session.get(endpoint("userinfo")).json()["personal_id"] == citizen.personal_id


def test_acr_tells_a_second_factor_sign_in_and_survives_refresh(
    rp, client, citizen, second_factor_client
):
    second_factor_client(citizen)
    flow = Flow(rp, client)
    first = flow.token(flow.consent())
    assert verified_id_token(flow, first["id_token"])["acr"] == ACR_SECOND_FACTOR
    assert verified_id_token(flow, first["id_token"])["amr"] == ["pwd", "otp"]

    refreshed = flow.session.refresh_token(endpoint("token"))
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["refresh_token"] != first["refresh_token"]
    claims = verified_id_token(flow, refreshed["id_token"], refresh=True)
    assert claims["acr"] == ACR_SECOND_FACTOR
    assert claims["sub"] == str(citizen.pk)
    assert flow.session.get(endpoint("userinfo")).json()["sub"] == str(citizen.pk)

    # The refresh token was rotated: the old one no longer works.
    with pytest.raises(OAuthError) as refused:
        flow.session.refresh_token(endpoint("token"), refresh_token=first["refresh_token"])
    assert refused.value.error == "invalid_grant"


def test_refused_consent_goes_back_with_access_denied(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    callback = flow.consent(allow=False)
    assert query(callback)["error"] == "access_denied"
    assert AuditEvent.objects.filter(action="oidc.consent_refused").exists()


def test_the_consent_page_is_in_vietnamese_and_lets_the_form_reach_the_client(rp, client, citizen):
    client.force_login(citizen)
    flow = Flow(rp, client)
    page = flow.open(flow.authorization_url())
    html = page.content.decode()
    assert "Cổng y tế" in html and "Đồng ý" in html and "Số điện thoại" in html
    csp = page["Content-Security-Policy"]
    assert "form-action 'self' https://yte.quangninh.example" in csp


def test_signing_in_first_when_not_signed_in(rp, client):
    flow = Flow(rp, client)
    response = flow.open(flow.authorization_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=/oidc/authorize/")
