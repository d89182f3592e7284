"""tinhso oidc_client --name N --redirect-uri URI [--scopes S …]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.oidc import services


class Command(BaseCommand):
    help = (
        "Đăng ký một hệ thống kết nối (client) của nhà cung cấp OpenID Connect; "
        "in client_id và client_secret (chỉ hiện một lần), mỗi giá trị một dòng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=None,
            help="openid profile email phone personal_id (personal_id: the province approves)",
        )

    def handle(self, *args, name, redirect_uris, scopes, **options):
        try:
            client, secret = services.register_client(
                actor=None, name=name, redirect_uris=redirect_uris, scopes=scopes
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(client.client_id)
        self.stdout.write(secret)
