from tinhso.demo.accounts import create_demo_accounts
from tinhso.demo.education import create_demo_school
from tinhso.education import selectors
from tinhso.education.models import Mark


def test_the_demo_school_has_its_accounts_a_class_and_congdans_child_with_marks(db):
    create_demo_accounts()
    made = create_demo_school()
    assert [a.username for a in made] == ["giaovien", "hieutruong", "tuyensinh"]
    assert all(a.password and a.otpauth_uri for a in made)
    from tinhso.accounts.models import User

    children = list(selectors.children_of(User.objects.get(username="congdan")))
    assert len(children) == 1
    assert Mark.objects.filter(pupil=children[0]).count() == 19
    assert create_demo_school() == []  # a second bootstrap changes nothing
