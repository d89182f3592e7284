from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy

from . import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.sign_in, name="login"),
    path("dang-nhap/xac-thuc/", views.otp_verify, name="otp_verify"),
    path("xac-thuc-hai-lop/", views.otp_setup, name="otp_setup"),
    path("xac-thuc-hai-lop/kich-hoat/<str:token>/", views.otp_enrol, name="otp_enrol"),
    path("dang-xuat/", views.sign_out, name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("ho-so/", views.profile, name="profile"),
    path("xac-minh-danh-tinh/", views.verify_identity, name="verify_identity"),
    path("co-quan/<str:code>/", views.agency_settings, name="agency_settings"),
    path(
        "doi-mat-khau/",
        views.AuditedPasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            extra_context={"title": gettext_lazy("Quên mật khẩu")},
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": gettext_lazy("Đã gửi hướng dẫn"),
                "message": gettext_lazy(
                    "Nếu địa chỉ thư điện tử có trong hệ thống, bạn sẽ nhận được hướng dẫn "
                    "trong vài phút."
                ),
            },
        ),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.AuditedPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": gettext_lazy("Đã đặt mật khẩu mới"),
                "message": gettext_lazy("Bạn có thể đăng nhập bằng mật khẩu mới."),
            },
        ),
        name="password_reset_complete",
    ),
]
