from django.contrib import admin

from .models import SourcePriority


@admin.register(SourcePriority)
class SourcePriorityAdmin(admin.ModelAdmin):
    list_display = ("rank", "source", "label")
    ordering = ("rank",)
