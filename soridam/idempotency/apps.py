from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "soridam.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency"
