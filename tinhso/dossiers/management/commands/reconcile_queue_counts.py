"""Recompute the queues' counts from the dossiers; print what the kept ones got wrong."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.dossiers import queue_counts


class Command(BaseCommand):
    help = "Đối chiếu và tính lại số hồ sơ chờ của các hàng đợi (QueueCount)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only compare; exit 1 if any count differs"
        )

    def handle(self, *args, check: bool = False, **options):
        differ = queue_counts.reconcile(fix=not check)
        for (agency, side, status), (have, want) in sorted(differ.items()):
            self.stdout.write(f"agency {agency} {side} {status}: kept {have}, recounted {want}")
        if check and differ:
            raise CommandError(f"{len(differ)} queue counts differ from the dossiers")
        self.stdout.write(f"{len(differ)} counts differed" + ("" if check else "; rewritten"))
