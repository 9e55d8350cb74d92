from django.contrib import admin

from soridam.macros.models import Macro


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin[Macro]):
    list_display = ("name", "owner", "set_status", "set_stage", "set_priority", "add_tag", "is_active")
    list_filter = ("is_active", "set_status", ("owner", admin.EmptyFieldListFilter))
    search_fields = ("name", "body")
    raw_id_fields = ("owner",)
