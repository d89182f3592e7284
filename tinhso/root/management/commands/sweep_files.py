import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Xóa tệp mồ côi (đã ghi nhưng giao dịch không hoàn tất) / remove files no row points "
        "at, older than --min-age minutes (a request rolled back after writing them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=60, help="minutes")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age, dry_run, **options):
        from tinhso.documents.models import StoredDocument
        from tinhso.dossiers.models import Dossier, DossierDocument
        from tinhso.feedback.models import Photo

        root = Path(settings.MEDIA_ROOT)
        if not root.exists():
            self.stdout.write("nothing to sweep")
            return
        referenced = set(DossierDocument.objects.values_list("file_path", flat=True))
        referenced |= set(StoredDocument.objects.values_list("file_path", flat=True))
        referenced |= set(
            Dossier.objects.exclude(result_file="").values_list("result_file", flat=True)
        )
        for original, public in Photo.objects.values_list("file_path", "public_path"):
            referenced.add(original)
            if public:
                referenced.add(public)
        cutoff = time.time() - min_age * 60
        removed = 0
        for path in root.rglob("*"):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            if path.relative_to(root).as_posix() in referenced:
                continue
            removed += 1
            if not dry_run:
                path.unlink(missing_ok=True)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"{verb} {removed} orphaned file(s)")
