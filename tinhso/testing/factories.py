"""factory_boy factories for the objects tests build most: citizens, officers with a
role in an agency, and dossiers. Each one creates through the real service (the
same checks, audit events and signals as production), never with `objects.create`.

Agencies have no factory: they are reference data, loaded once per test database
by `accounts.load_agencies` (the only service that creates them); an officer's
factory takes the agency's code."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from tinhso.accounts import services as accounts
from tinhso.accounts.identity import verify_identity
from tinhso.accounts.models import Agency, Role, User
from tinhso.demo.accounts import demo_personal_id
from tinhso.dossiers import services as dossiers
from tinhso.dossiers.models import Dossier

from . import DRIVING, DRIVING_DATA, TEST_PASSWORD, pdf_file


class _ThroughServices(DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _setup_next_sequence(cls) -> int:
        return 1


class CitizenFactory(_ThroughServices):
    """A citizen registered as on the sign-up page (personal ID checked) whose ID card
    a desk has then checked (`verified=False`: self-registered only, may not file)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"congdan{n}")
    password = TEST_PASSWORD
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Công Dân {n}")
    date_of_birth = datetime.date(1990, 5, 12)
    sex = "female"
    verified = True  # not a field: the service call after registering
    personal_id = factory.LazyAttribute(
        lambda o: demo_personal_id(birth=o.date_of_birth, sex=o.sex)
    )

    @classmethod
    def _create(cls, model_class, *args, verified=True, **kwargs) -> User:
        user = accounts.register_citizen(**kwargs)
        if verified:
            user = verify_identity(
                actor=None,
                personal_id=user.personal_id,
                date_of_birth=kwargs["date_of_birth"],
                note="test",
            )
        return user


class StaffFactory(_ThroughServices):
    """An officer created by trusted code (actor None), with one role in one agency:
    `StaffFactory(role=Role.LEADER, agency_code="SXD")`."""

    class Meta:
        model = User

    class Params:
        agency_code = "UBND"

    role = Role.SPECIALIST
    agency = factory.LazyAttribute(lambda o: Agency.objects.get(code=o.agency_code))
    username = factory.LazyAttributeSequence(lambda o, n: f"{o.role}{n}")
    full_name = factory.Sequence(lambda n: f"Cán Bộ {n}")
    email = factory.Sequence(lambda n: f"canbo{n}@example.vn")
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> User:
        return accounts.create_staff_user(actor=None, **kwargs)


class DossierFactory(_ThroughServices):
    """A draft of the driving-licence procedure by a new citizen; `papers=[kinds]`
    attaches a PDF for each, `submit=True` then submits it."""

    class Meta:
        model = Dossier

    applicant = factory.SubFactory(CitizenFactory)
    procedure_code = DRIVING
    data = factory.LazyFunction(lambda: dict(DRIVING_DATA))
    papers: tuple[str, ...] = ()
    submit = False

    @classmethod
    def _create(
        cls, model_class, *args, applicant, procedure_code, data, papers, submit, **kwargs
    ) -> Dossier:
        dossier = dossiers.create_dossier(actor=applicant, procedure_code=procedure_code, data=data)
        for kind in papers:
            dossiers.attach_document(actor=applicant, dossier=dossier, kind=kind, upload=pdf_file())
        if submit:
            dossier = dossiers.take_action(actor=applicant, code=dossier.code, action="submit")
        return dossier
