from django.core.management.base import BaseCommand

from tinhso.notifications.services import deliver_pending


class Command(BaseCommand):
    help = (
        "Gửi lại thông báo chưa gửi được (chạy định kỳ) / send the e-mails and SMS that a "
        "crash, a lost message or a failing channel left unsent (each at most once)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"delivered {deliver_pending()} pending notification(s)")
