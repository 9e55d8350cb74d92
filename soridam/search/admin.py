from django.contrib import admin

from .models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    list_display = ("terms", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("terms",)
