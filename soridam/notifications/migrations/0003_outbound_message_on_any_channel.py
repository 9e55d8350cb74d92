"""The e-mail outbox becomes the outbox of every channel: rename the table and keep its rows.

Existing rows are e-mail (``channel`` defaults to it); ``to_address`` becomes ``recipient`` and our
``rfc_message_id`` becomes the generic ``external_id`` (for e-mail it stays our Message-ID).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_message_id_index"),
        ("soridam_channels", "0002_sender_index"),
    ]

    operations = [
        migrations.RenameModel("OutboundEmail", "OutboundMessage"),
        migrations.RenameField("outboundmessage", "to_address", "recipient"),
        migrations.RenameField("outboundmessage", "rfc_message_id", "external_id"),
        migrations.AlterField(
            model_name="outboundmessage",
            name="recipient",
            field=models.CharField(help_text="The customer's address or id on the channel", max_length=255),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="external_id",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="The provider's id; for e-mail our Message-ID header",
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="outbound_messages", to="cases.case"
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="kind",
            field=models.CharField(
                choices=[
                    ("case_opened", "Case opened"),
                    ("stage_changed", "Stage changed"),
                    ("agent_reply", "Agent reply"),
                    ("survey_request", "Survey request"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="state",
            field=models.CharField(
                choices=[("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")],
                default="queued",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "Web form"),
                    ("email", "E-mail"),
                    ("chat", "Live chat"),
                    ("kakao", "KakaoTalk"),
                    ("line", "LINE"),
                    ("naver", "Naver TalkTalk"),
                    ("telegram", "Telegram"),
                    ("sms", "SMS"),
                    ("phone", "Phone"),
                    ("api", "API"),
                ],
                default="email",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="account",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="soridam_channels.channelaccount",
            ),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="outboundmessage",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="outboundmessage",
            index=models.Index(fields=["state", "next_attempt_at"], name="outbound_state_due"),
        ),
    ]
