"""Encrypt what a customer sent at rest (R-SEC-3): a message's subject, text and HTML as received and the raw
payload; and move channel secrets from Fernet to AES-256-GCM with a key id. Existing rows are encrypted here;
``manage.py rotate_data_key`` does the same later for a new key."""

from typing import Any

from django.db import migrations

import soridam.channels.crypto
import soridam.privacy.crypto


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    for name in ("ChannelAccount", "ChannelMessage", "RawPayload"):
        soridam.privacy.crypto.reencrypt_all(apps.get_model("soridam_channels", name))


class Migration(migrations.Migration):
    dependencies = [("soridam_channels", "0006_navertalk_user")]

    operations = [
        migrations.AlterField(
            model_name="channelmessage",
            name="full_text",
            field=soridam.channels.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="channelmessage",
            name="safe_html",
            field=soridam.channels.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="channelmessage",
            name="subject",
            field=soridam.channels.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="rawpayload",
            name="raw",
            field=soridam.privacy.crypto.EncryptedBinaryField(),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=True),
    ]
