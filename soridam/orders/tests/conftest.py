from soridam.orders.cafe24.tests.conftest import cafe24, shop

__all__ = ["cafe24", "shop"]
