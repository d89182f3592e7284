from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tinhso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và cơ quan"

    def ready(self):
        from django_otp.forms import otp_verification_failed

        from .backends import count_failed_second_factor

        otp_verification_failed.connect(
            count_failed_second_factor, dispatch_uid="tinhso.accounts.second_factor_failed"
        )
