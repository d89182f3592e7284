from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts import enrolment
from tinhso.accounts.models import User


class Command(BaseCommand):
    help = (
        "Cấp đường dẫn kích hoạt xác thực hai lớp cho cán bộ (một lần, có hạn); in đường dẫn "
        "/ print a one-time link for an officer to enrol their second factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=enrolment.LINK_HOURS)

    def handle(self, *args, username, hours, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r} / không có người dùng {username!r}")
        link, raw = enrolment.issue_enrolment_link(actor=None, user=user, hours=hours)
        self.stdout.write(settings.PUBLIC_BASE_URL + enrolment.enrolment_path(raw))
        self.stderr.write(f"expires {link.expires_at:%Y-%m-%d %H:%M} UTC")
