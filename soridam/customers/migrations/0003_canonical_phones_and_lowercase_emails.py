"""Store every phone in the canonical form search looks up, and every e-mail address in lower case.

Phones used to keep whatever digits and ``+`` were typed, so ``+821012345678`` and ``01012345678``
were two numbers. Rows are rewritten in batches; an identity whose canonical number another identity
already holds is left as it is (it still names the same customer, and the unique key must hold).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models.functions import Lower

from soridam.customers.phones import canonical_phone

BATCH = 2000


def _rewrite_customer_phones(customer_model: Any) -> None:
    last = 0
    while True:
        rows = list(customer_model.objects.filter(pk__gt=last).exclude(phone="").order_by("pk")[:BATCH])
        if not rows:
            return
        changed = [row for row in rows if canonical_phone(row.phone) != row.phone]
        for row in changed:
            row.phone = canonical_phone(row.phone)
        customer_model.objects.bulk_update(changed, ["phone"])
        last = rows[-1].pk


def _rewrite_identities(identity_model: Any) -> None:
    last = 0
    while True:
        rows = list(identity_model.objects.filter(pk__gt=last, channel="sms").order_by("pk")[:BATCH])
        if not rows:
            return
        for row in rows:
            canonical = canonical_phone(row.external_id)
            taken = identity_model.objects.filter(channel="sms", external_id=canonical).exists()
            if canonical != row.external_id and not taken:
                identity_model.objects.filter(pk=row.pk).update(external_id=canonical)
        last = rows[-1].pk


def forwards(apps: Any, schema_editor: Any) -> None:
    customer_model = apps.get_model("customers", "Customer")
    _rewrite_customer_phones(customer_model)
    _rewrite_identities(apps.get_model("customers", "Identity"))
    customer_model.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_tier"),
    ]

    # The old forms are not kept, and the canonical ones are valid input: nothing to undo.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
