from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tinhso.payments"
    label = "payments"
    verbose_name = "Thanh toán phí, lệ phí"

    def ready(self) -> None:
        from tinhso.dossiers.signals import (
            add_confirmation_section,
            add_precondition,
            dossier_changed,
        )

        from .receipts import confirmation_section
        from .services import fee_must_be_paid_before_return, on_dossier_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="payments.payment_due")
        add_precondition("return", fee_must_be_paid_before_return)
        add_confirmation_section(confirmation_section)
