from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Agency, ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["agency"]
    raw_id_fields = ["unit"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["username"]
    list_display = ["username", "full_name", "account_type", "masked_id", "is_active", "last_login"]
    list_filter = ["account_type", "is_active"]
    search_fields = ["username", "full_name", "email"]
    readonly_fields = ["last_login", "date_joined", "failed_login_count", "locked_until"]
    inlines = [RoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Thông tin",
            {
                "fields": (
                    "full_name",
                    "account_type",
                    "email",
                    "phone",
                    "personal_id",
                    "date_of_birth",
                    "sex",
                    "tax_code",
                    "organisation_name",
                )
            },
        ),
        (
            "Trạng thái",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "failed_login_count",
                    "locked_until",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
    )

    @admin.display(description="Số định danh")
    def masked_id(self, obj):
        return obj.masked_personal_id


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["path"]
    raw_id_fields = ["unit", "parent"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["user__username", "prefix"]
