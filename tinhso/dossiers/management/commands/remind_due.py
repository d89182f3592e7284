from django.core.management.base import BaseCommand

from tinhso.dossiers.reminders import remind_due_steps


class Command(BaseCommand):
    help = (
        "Nhắc cán bộ các bước hồ sơ đến hạn, quá hạn (chạy hằng ngày) / daily due-date reminders."
    )

    def handle(self, *args, **options):
        told = remind_due_steps()
        self.stdout.write(f"reminded {told} officer(s)")
