"""The customer notification policy, one rule per event, with the default rules (issue 11): the
acknowledgement and replies always go; of the stage changes only "resolution proposed" (entering
고객 통보) is sent; solved is sent and carries the survey; state messages wait 10 minutes to be combined."""

from django.db import migrations, models

# (event, send, coalesce minutes): a frozen copy of notifications.policy.DEFAULTS as of this migration.
DEFAULT_RULES = [
    ("case_opened", True, 0),
    ("agent_reply", True, 0),
    ("stage_intake", False, 10),
    ("stage_classification", False, 10),
    ("stage_investigation", False, 10),
    ("stage_resolution", False, 10),
    ("stage_notification", True, 10),
    ("stage_follow_up", False, 10),
    ("case_solved", True, 10),
    ("survey_request", True, 0),
]


def add_default_rules(apps, schema_editor):
    NotificationRule = apps.get_model("notifications", "NotificationRule")
    for event, send, minutes in DEFAULT_RULES:
        NotificationRule.objects.get_or_create(event=event, defaults={"send": send, "coalesce_minutes": minutes})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_outbound_message_on_any_channel"),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "event",
                    models.CharField(
                        choices=[
                            ("case_opened", "Acknowledgement of a new case"),
                            ("agent_reply", "Agent reply"),
                            ("stage_intake", "Stage: back to intake"),
                            ("stage_classification", "Stage: classification"),
                            ("stage_investigation", "Stage: investigation"),
                            ("stage_resolution", "Stage: working on a resolution"),
                            ("stage_notification", "Stage: resolution proposed"),
                            ("stage_follow_up", "Stage: follow-up"),
                            ("case_solved", "Case solved"),
                            ("survey_request", "Satisfaction survey"),
                        ],
                        max_length=32,
                        unique=True,
                        verbose_name="event",
                    ),
                ),
                ("send", models.BooleanField(default=True, verbose_name="tell the customer")),
                (
                    "coalesce_minutes",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Stage, solved and survey messages wait this long; later changes of the case in that time go out in the same message. 0 sends at once. Acknowledgements and replies are never held.",
                        verbose_name="combine changes within (minutes)",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer notification rule",
                "verbose_name_plural": "customer notification policy",
                "ordering": ["id"],
            },
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
                    ("case_solved", "Case solved"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(add_default_rules, migrations.RunPython.noop),
    ]
