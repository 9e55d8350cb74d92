from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each connector registers its ``OrderProvider`` when its module is imported.
CONNECTORS: tuple[str, ...] = (
    "soridam.orders.cafe24.provider",
    "soridam.orders.naver.provider",
    "soridam.orders.shopify.provider",
)


class OrdersConfig(AppConfig):
    name = "soridam.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        for module in CONNECTORS:
            import_module(module)
