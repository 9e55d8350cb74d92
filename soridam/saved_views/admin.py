from django.contrib import admin

from soridam.saved_views.models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin[SavedView]):
    list_display = ("name", "owner", "is_shared", "view", "status", "category", "sort", "position")
    list_filter = ("is_shared", "view")
    search_fields = ("name",)
    raw_id_fields = ("owner",)
