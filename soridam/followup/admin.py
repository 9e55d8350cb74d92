from django.contrib import admin

from soridam.followup.models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ("case", "sent_at", "rating", "answered_at")
    list_filter = ("rating",)
    readonly_fields = ("case", "sent_at", "rating", "comment", "answered_at")
