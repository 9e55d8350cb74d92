from django.contrib import admin

from soridam.cases.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("slug", "name_ko", "name_en", "default_team", "is_active", "position")
    list_editable = ("name_ko", "name_en", "default_team", "is_active", "position")
    list_filter = ("is_active", "default_team")
    search_fields = ("slug", "name_ko", "name_en")
    ordering = ("position", "slug")
