from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts import services
from tinhso.accounts.models import User


class Command(BaseCommand):
    help = "Cấp mã truy cập API cho người dùng; in mã trên một dòng / print a new API token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r} / không có người dùng {username!r}")
        _, raw = services.issue_api_token(actor=None, user=user, name=name)
        self.stdout.write(raw)
