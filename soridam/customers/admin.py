from django.contrib import admin
from django.http import HttpRequest

from soridam.customers.models import Customer, CustomerMerge, CustomerNote, Identity


class IdentityInline(admin.TabularInline[Identity, Customer]):
    model = Identity
    extra = 0
    fields = ("channel", "external_id", "verified", "created_at")


class CustomerNoteInline(admin.TabularInline[CustomerNote, Customer]):
    model = CustomerNote
    extra = 0
    fields = ("body", "author", "created_at")
    readonly_fields = ("author", "created_at")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "email", "phone", "language", "tier", "merged_into", "created_at")
    list_filter = ("tier",)
    search_fields = ("name", "email", "phone")
    raw_id_fields = ("user", "merged_into")
    readonly_fields = ("merged_into",)  # set and cleared only by a merge and its undo (customers.merges)
    inlines = [IdentityInline, CustomerNoteInline]


@admin.register(CustomerMerge)
class CustomerMergeAdmin(admin.ModelAdmin[CustomerMerge]):
    """Read-only: a merge is made and undone on the customer page, where it is audited with its cases."""

    list_display = ("source", "target", "merged_by", "created_at", "undone_at")
    readonly_fields = ("source", "target", "reason", "merged_by", "moved", "created_at", "undone_at", "undone_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CustomerMerge | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: CustomerMerge | None = None) -> bool:
        return False
