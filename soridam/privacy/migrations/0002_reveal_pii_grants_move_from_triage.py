"""Whoever was granted ``triage.reveal_pii`` keeps the right as ``privacy.reveal_pii``; the old one goes.

Django creates permissions after migrations, so the new one is created here to carry the grants over.
"""

from typing import Any

from django.db import migrations

OLD = ("triage", "modelversion", "reveal_pii")
NEW = ("privacy", "accesslog", "reveal_pii", "Can reveal personal data and open original messages")


def move_grants(apps: Any, schema_editor: Any) -> None:
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    old = permission_model.objects.filter(
        content_type__app_label=OLD[0], content_type__model=OLD[1], codename=OLD[2]
    ).first()
    if old is None:
        return  # a fresh database: nothing was granted
    content_type, _ = content_type_model.objects.get_or_create(app_label=NEW[0], model=NEW[1])
    new, _ = permission_model.objects.get_or_create(
        content_type=content_type, codename=NEW[2], defaults={"name": NEW[3]}
    )
    new.user_set.add(*old.user_set.all())
    new.group_set.add(*old.group_set.all())
    old.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_access_log"),
        ("triage", "0002_reveal_pii_moves_to_privacy"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(move_grants, migrations.RunPython.noop)]
