from django.contrib import admin

from soridam.customers.models import Customer, Identity


class IdentityInline(admin.TabularInline[Identity, Customer]):
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "email", "phone", "language", "created_at")
    search_fields = ("name", "email", "phone")
    inlines = [IdentityInline]
