"""The citizen's store of papers (kho giấy tờ): what goes in, once, and what a later
procedure may reuse. Papers enter only through the dossier services (accepted at
receipt, or a signed result); `keep` is called here directly for the edge cases."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from tinhso.audit.models import AuditEvent
from tinhso.documents import selectors, services
from tinhso.documents.models import StoredDocument

pytestmark = pytest.mark.django_db


def _keep(owner, kind, content=b"giay", *, valid_until=None, days_ago=0):
    return services.keep(
        owner=owner,
        kind=kind,
        title=f"Giấy {kind}",
        issuer="Sở Xây dựng",
        source_reference="",
        file_path="kho/khong-co.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_at=timezone.now() - datetime.timedelta(days=days_ago),
        digitally_signed=False,
        valid_until=valid_until,
    )


def test_papers_accepted_at_receipt_are_kept_for_the_applicant(received, applicant):
    kept = list(selectors.documents_of(applicant))
    assert {d.kind for d in kept} == {"giay-phep-cu", "giay-kham-suc-khoe"}
    for paper in kept:
        assert paper.source_reference == received.code and received.code in paper.issuer
        assert not paper.digitally_signed and paper.valid_until is None
        assert paper.size > 0 and len(paper.sha256) == 64
    events = AuditEvent.objects.filter(action="documents.stored")
    assert sorted(e.object_id for e in events) == sorted(str(d.pk) for d in kept)
    assert {e.after["owner"] for e in events} == {applicant.username}


def test_a_draft_keeps_nothing_until_an_officer_accepts_it(submitted, applicant):
    assert not selectors.documents_of(applicant).exists()


def test_the_same_content_and_kind_is_kept_once_with_one_event(citizen):
    first = _keep(citizen, "giay-phep-cu")
    again = _keep(citizen, "giay-phep-cu")
    assert again.pk == first.pk
    assert StoredDocument.objects.filter(owner=citizen).count() == 1
    assert AuditEvent.objects.filter(action="documents.stored").count() == 1
    other_kind = _keep(citizen, "giay-kham-suc-khoe")  # the same bytes, another paper
    assert other_kind.pk != first.pk


def test_a_result_has_its_own_kind():
    assert services.result_kind("9.000001") == "ket-qua:9.000001"


def test_reusable_papers_are_the_kind_or_an_accepted_result_still_valid(citizen, make_citizen):
    today = timezone.localdate()
    own = _keep(citizen, "giay-phep-cu", b"a", days_ago=3)
    result = _keep(citizen, services.result_kind("9.000001"), b"b", days_ago=1)
    last_day = _keep(citizen, "giay-phep-cu", b"c", valid_until=today, days_ago=2)
    _keep(citizen, "giay-phep-cu", b"d", valid_until=today - datetime.timedelta(days=1))
    _keep(citizen, services.result_kind("9.000002"), b"e")  # a result not accepted here
    _keep(citizen, "giay-kham-suc-khoe", b"f")  # another kind
    _keep(make_citizen(), "giay-phep-cu", b"g")  # someone else's

    found = selectors.reusable(citizen, kind="giay-phep-cu", accepts=["9.000001"])
    assert found == [result, last_day, own]  # newest first
    assert selectors.reusable(citizen, kind="giay-phep-cu", accepts=[]) == [last_day, own]


def test_a_citizen_finds_only_their_own_papers(citizen, make_citizen):
    mine = _keep(citizen, "giay-phep-cu", b"a")
    theirs = _keep(make_citizen(), "giay-phep-cu", b"b")
    assert list(selectors.documents_of(citizen)) == [mine]
    assert selectors.document_of(citizen, mine.pk) == mine
    assert selectors.document_of(citizen, theirs.pk) is None
    assert selectors.document_of(citizen, 999_999) is None
