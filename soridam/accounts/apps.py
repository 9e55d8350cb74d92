from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "soridam.accounts"
    label = "accounts"
    verbose_name = "Accounts"
