from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "soridam.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from soridam.accounts.middleware import start_idle_clock

        # Session plumbing, not domain logic: every sign-in (the workspace's, the admin's, a test's force_login)
        # goes through auth.login(), whose signal is the one place that sees them all.
        user_logged_in.connect(start_idle_clock, dispatch_uid="soridam.accounts.idle_clock")
