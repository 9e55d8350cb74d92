"""Shop credentials move from Fernet to AES-256-GCM with a key id (R-SEC-3); old values stay readable."""

from typing import Any

from django.db import migrations

import soridam.privacy.crypto


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    soridam.privacy.crypto.reencrypt_all(apps.get_model("orders", "Shop"))


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_claim_requests")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop, elidable=True)]
