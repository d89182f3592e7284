from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tinhso.accounts.services import load_agencies
from tinhso.core.services import load_calendar_overrides
from tinhso.geo.services import load_units
from tinhso.procedures.services import load_catalogue

DEMO_HISTORY = 3000  # past dossiers, so the dashboards have a year to show


class Command(BaseCommand):
    help = (
        "Chuẩn bị hệ thống: migrate, dữ liệu danh mục (đơn vị hành chính, cơ quan) và "
        "dữ liệu mẫu với --demo. Chạy lại nhiều lần không mất dữ liệu. / "
        "Migrate, load reference data (+ demo data); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="create the demo accounts")

    def handle(self, *args, demo=False, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        # The shared cache's table (also made by a migration; again here in case the
        # deployment moved from Redis to the database cache since).
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        units = load_units()
        self.stdout.write(
            f"units: {units['provinces']} provinces, {units['wards']} wards, "
            f"{units['legacy']} former units ({units['added']} new rows)"
        )
        agencies = load_agencies(province_code=settings.TINHSO_PROVINCE)
        self.stdout.write(
            f"agencies of province {settings.TINHSO_PROVINCE}: {agencies['total']} "
            f"({agencies['created']} new)"
        )
        from tinhso.health.services import load_facilities

        facilities = load_facilities(province_code=settings.TINHSO_PROVINCE)
        self.stdout.write(f"health facilities: {facilities['total']} ({facilities['created']} new)")
        from tinhso.feedback.services import load_feedback_reference

        fb = load_feedback_reference()
        self.stdout.write(f"feedback: {fb['categories']} categories, {fb['rules']} routing rules")
        swaps = load_calendar_overrides()
        self.stdout.write(f"calendar: {swaps} new decreed day swaps")
        catalogue = load_catalogue()
        self.stdout.write(
            f"procedures: {catalogue['procedures']} "
            f"({catalogue['created']} new, {catalogue['changed']} with a new version)"
        )
        from tinhso.monitoring.services import load_index_definition
        from tinhso.signing.services import ensure_pki

        load_index_definition()
        from tinhso.monitoring.goals import load_goals

        self.stdout.write(
            f"goals: {load_goals()} goals, targets and tasks of Resolution 09 and its plans"
        )

        if ensure_pki():
            self.stdout.write("signing: created the province's test PKI (root, issuing CA, TSA)")
        if demo:
            from tinhso.demo.accounts import create_demo_accounts
            from tinhso.payments.services import load_bank_accounts

            n = load_bank_accounts()
            self.stdout.write(f"demo bank accounts (marked demo): {n}")

            from tinhso.demo.education import create_demo_school

            accounts = create_demo_accounts()
            accounts += create_demo_school()  # giaovien, hieutruong, tuyensinh
            from tinhso.demo.health import create_demo_health

            accounts += create_demo_health()  # bacsi, duocsi; congdan's health record
            from tinhso.demo.health import create_demo_certificate

            if create_demo_certificate() is not None:
                self.stdout.write("demo: congdan's vaccination certificate (HC1) issued")
            from tinhso.demo.feedback import create_demo_feedback

            accounts += create_demo_feedback()  # phuong, reports around Phường Hạ Long
            if not accounts:
                self.stdout.write("demo accounts: already there (passwords unchanged)")
            for account in accounts:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"demo account {account.username:<11} ({account.role}) "
                        f"password: {account.password}"
                    )
                )
                if account.otpauth_uri:
                    self.stdout.write(f"    TOTP: {account.otpauth_uri}")
            if accounts:
                self.stdout.write(
                    self.style.WARNING(
                        "These passwords are shown once. Tài khoản mẫu: mật khẩu chỉ hiện một lần."
                    )
                )
            from tinhso.demo.dossier_history import create_history, history_exists

            if not history_exists():
                made = create_history(count=DEMO_HISTORY)
                self.stdout.write(f"demo history: {made} past dossiers over 12 months")
        # The index's counts from every dossier (an upgrade, a bulk import): also nightly.
        call_command("recompute_index", stdout=self.stdout)
        call_command("reconcile_queue_counts", stdout=self.stdout)  # the queues' counts too
        # Open data and the goals the platform measures: also daily (PERIODIC_COMMANDS).
        call_command("refresh_opendata", verbosity=0, stdout=self.stdout)
