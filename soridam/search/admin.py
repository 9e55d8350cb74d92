from django.contrib import admin
from django.http import HttpRequest

from .models import Source, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    list_display = ("terms", "is_active", "source", "weight", "updated_at")
    list_filter = ("is_active", "source")
    list_editable = ("is_active",)
    search_fields = ("terms",)

    def save_model(self, request: HttpRequest, obj: Synonym, form: object, change: bool) -> None:
        obj.source = Source.ADMIN  # reviewed: ``mine_synonyms --load`` no longer replaces it
        super().save_model(request, obj, form, change)
