import datetime

from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from tinhso.core.errors import ValidationFailed

from . import services
from .error_codes import SigningErrorCode

router = Router(tags=["signing"])


class VerifyOut(Schema):
    valid: bool
    signer: str
    signed_at: datetime.datetime | None
    timestamped_at: datetime.datetime | None
    modified: bool
    trusted: bool
    revoked: bool
    signatures: int
    problems: list[str]


@router.post("/verify", response=VerifyOut, auth=None, summary="Kiểm tra văn bản có chữ ký số")
def verify(request, file: File[UploadedFile]):
    """Anyone may check a PDF: who signed it, when, whether it changed since, whether
    the certificate was trusted and not revoked at the time."""
    from tinhso.core.throttle import TooManyRequests

    from .views import VERIFY_WINDOW_SECONDS, verification_allowed

    if not verification_allowed(request):
        raise TooManyRequests(
            _("Bạn đã gửi quá nhiều tệp để kiểm tra trong thời gian ngắn. Vui lòng thử lại sau."),
            retry_after=VERIFY_WINDOW_SECONDS,
        )
    limit = services.max_verify_bytes()
    if file.size > limit:
        raise ValidationFailed(
            _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit // 2**20},
            code=SigningErrorCode.TOO_LARGE,
            fields={"file": _("Tệp quá lớn.")},
        )
    result = services.verify(file.read())
    return result.__dict__ if hasattr(result, "__dict__") else result
