from django.core.management.base import BaseCommand

from tinhso.health.services import send_appointment_reminders


class Command(BaseCommand):
    help = "Nhắc lịch hẹn khám trong 24 giờ tới / remind citizens of tomorrow's appointments."

    def handle(self, *args, **options):
        self.stdout.write(f"appointment reminders: {send_appointment_reminders()}")
