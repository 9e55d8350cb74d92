"""The audit log's keyed MACs, its signed checkpoints, and (PostgreSQL) a trigger that makes it append-only.

Entries written before this migration get their MAC here (under the current key) before the trigger exists;
their hash chain is left as it was, so an earlier break still shows in ``verify_audit``.
The trigger refuses UPDATE and DELETE on the entries and the checkpoints unless the transaction set
``soridam.audit_purge`` (only ``audit.purge.purging`` does). A dedicated application role can be denied
the same with one grant (README, "Audit log"). A superuser can drop a trigger: the MACs and checkpoints are
what catch that.
"""

import django.utils.timezone
from django.db import migrations, models

_TABLES = ("audit_auditentry", "audit_auditcheckpoint")
_FUNCTION = """
CREATE OR REPLACE FUNCTION soridam_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('soridam.audit_purge', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def seal_existing(apps, schema_editor):
    from soridam.audit import keys
    from soridam.audit.audit import entry_mac_message

    entry_model = apps.get_model("audit", "AuditEntry")
    key_id = keys.current_key_id()
    batch = []
    for entry in entry_model.objects.filter(mac="").iterator(chunk_size=1000):
        entry.key_id = key_id
        entry.mac = keys.sign(entry_mac_message(entry.entry_hash), key_id=key_id)
        batch.append(entry)
        if len(batch) == 1000:
            entry_model.objects.bulk_update(batch, ["mac", "key_id"])
            batch = []
    entry_model.objects.bulk_update(batch, ["mac", "key_id"])


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION, params=None)
    for table in _TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION soridam_audit_append_only()"
        )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS soridam_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_translated_model_names"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("streams", models.PositiveIntegerField()),
                ("entries", models.PositiveBigIntegerField()),
                ("digest", models.CharField(max_length=64)),
                ("previous_mac", models.CharField(max_length=64)),
                ("key_id", models.CharField(max_length=16)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
            },
        ),
        migrations.CreateModel(
            name="AuditStreamHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stream", models.CharField(max_length=96, unique=True)),
                ("count", models.PositiveIntegerField()),
                ("head", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "audit stream head",
                "verbose_name_plural": "audit stream heads",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(default="", max_length=16),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
