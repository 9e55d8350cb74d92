"""An identity's value (an e-mail, a phone, a messenger handle) is encrypted at rest and found through a keyed
blind index (R-SEC-3): the unique constraint moves from the value to the index."""

from typing import Any

from django.db import migrations, models

import soridam.privacy.crypto


def encrypt_and_index(apps: Any, schema_editor: Any) -> None:
    identity = apps.get_model("customers", "Identity")
    for pk, channel, value in identity.objects.values_list("pk", "channel", "external_id").iterator():
        index = soridam.privacy.crypto.blind_index(channel, value)
        identity.objects.filter(pk=pk).update(external_id=value, external_index=index)  # encrypts on write


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_identities_merges_notes")]

    operations = [
        migrations.RemoveConstraint(model_name="identity", name="identity_unique"),
        migrations.AddField(
            model_name="identity",
            name="external_index",
            field=soridam.privacy.crypto.BlindIndexField(default="", kind_field="channel", source="external_id"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="identity",
            name="external_id",
            field=soridam.privacy.crypto.EncryptedTextField(),
        ),
        migrations.RunPython(encrypt_and_index, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="identity",
            constraint=models.UniqueConstraint(fields=("channel", "external_index"), name="identity_unique"),
        ),
    ]
