from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from soridam.accounts.models import Team, User
from soridam.cases.stages import Stage
from soridam.investigations.actions import NewTask
from soridam.investigations.models import TaskStatus


class StaffChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.label()


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner_team = forms.ModelChoiceField(label=_("Team asked"), queryset=Team.objects.order_by("name"))
    assignee = StaffChoiceField(
        label=_("Assignee"), required=False, queryset=User.objects.filter(is_active=True).exclude(role="customer")
    )
    due_in_hours = forms.IntegerField(
        label=_("Due in (business hours)"), required=False, min_value=1, max_value=24 * 60
    )
    blocking = forms.BooleanField(label=_("Blocks the investigation stage"), required=False, initial=True)
    note = forms.CharField(label=_("Note for the team"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def new_task(self) -> NewTask:
        data = self.cleaned_data
        return NewTask(
            title=data["title"],
            owner_team=data["owner_team"],
            assignee=data["assignee"],
            due_in_hours=data["due_in_hours"],
            blocking=data["blocking"],
            note=data["note"],
        )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    status = forms.ChoiceField(choices=[(TaskStatus.DONE, _("Done")), (TaskStatus.CANCELLED, _("Cancelled"))])
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(forms.Form):
    """A lead moves the case on although blocking tasks are open; the reason goes on the timeline."""

    to = forms.ChoiceField(label=_("Move to"), choices=[(s.value, s.label) for s in Stage if s.value != Stage.INTAKE])
    reason = forms.CharField(label=_("Why move on now"), max_length=500)
