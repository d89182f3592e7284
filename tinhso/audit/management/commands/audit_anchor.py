from django.core.management.base import BaseCommand

from tinhso.audit.services import ensure_heads, make_anchor


class Command(BaseCommand):
    help = (
        "Ghi một mốc neo của nhật ký hệ thống: đầu chuỗi của mọi luồng, niêm phong bằng khóa "
        "kiểm toán (chạy định kỳ; audit_verify kiểm tra các mốc neo)."
    )

    def handle(self, *args, **options):
        ensure_heads()  # AUDIT_STREAMS raised: the new streams' heads, in the anchor
        anchor = make_anchor()
        if anchor is None:
            self.stdout.write("the audit log is empty: no anchor")
            return
        self.stdout.write(f"anchor #{anchor.seq}: {len(anchor.heads)} stream(s) {anchor.hash}")
