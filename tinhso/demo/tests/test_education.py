from tinhso.demo.accounts import create_demo_accounts
from tinhso.demo.education import create_demo_school
from tinhso.documents.models import StoredDocument
from tinhso.education import selectors
from tinhso.education.models import Mark, SchoolReport


def test_the_demo_school_has_its_accounts_a_class_and_congdans_child_with_marks(db):
    create_demo_accounts()
    made = create_demo_school()
    assert [a.username for a in made] == ["giaovien", "hieutruong", "tuyensinh"]
    assert all(a.password and a.otpauth_uri for a in made)
    from tinhso.accounts.models import User

    children = list(selectors.children_of(User.objects.get(username="congdan")))
    assert len(children) == 1
    child = children[0]
    assert child.school_class.name == "7A"
    this_year = child.school_class.year
    assert Mark.objects.filter(pupil=child, term__year=this_year).count() == 19
    # last year's report, signed by the principal, is in the mother's document store
    (report,) = SchoolReport.objects.filter(pupil=child)
    assert report.year.start_year == this_year.start_year - 1
    parent = User.objects.get(username="congdan")
    assert StoredDocument.objects.filter(owner=parent, sha256=report.issued.sha256).exists()
    assert create_demo_school() == []  # a second bootstrap changes nothing
