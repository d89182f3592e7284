from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts import services
from tinhso.accounts.auth import token_digest
from tinhso.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Thu hồi mã truy cập API (cả mã, hoặc phần tiền tố) / revoke an API token."

    def add_arguments(self, parser):
        parser.add_argument("token", help="the whole token, or its 8-character prefix")

    def handle(self, *args, token, **options):
        found = list(ApiToken.objects.filter(digest=token_digest(token))) or list(
            ApiToken.objects.filter(prefix=token, revoked_at__isnull=True)
        )
        if len(found) != 1:
            raise CommandError("no single token matches / không tìm thấy đúng một mã")
        services.revoke_api_token(actor=None, token=found[0])
        self.stdout.write(f"revoked {found[0].prefix}… of {found[0].user.username}")
