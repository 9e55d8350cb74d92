from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "soridam.customers"
    label = "customers"
    verbose_name = "Customers"
