from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from soridam.accounts.admin_login import limited_admin_login
from soridam.api import api
from soridam.channels import webhooks
from soridam.lib import health

handler400 = "soridam.lib.request_guards.bad_request"
handler500 = "soridam.lib.unavailable.server_error"  # 503 while the database cannot be reached

urlpatterns = [
    path("admin/login/", limited_admin_login),  # before admin.site.urls, whose own login has no rate limit
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("help/", include("soridam.kb.urls")),
    path("", include("soridam.accounts.urls")),
    path("", include("soridam.routing.urls")),
    path("", include("soridam.sla.urls")),
    path("", include("soridam.investigations.urls")),
    path("", include("soridam.policy.urls")),
    path("", include("soridam.alerts.urls")),
    path("", include("soridam.orders.urls")),
    path("", include("soridam.rca.urls")),
    path("", include("soridam.privacy.urls")),
    path("", include("soridam.neutrals.urls")),
    path("", include("soridam.analytics.urls")),
    path("", include("soridam.odr.card_urls")),
    path("", include("soridam.odr.urls")),
    path("workspace/channels/", include("soridam.channels.urls")),
    path("hooks/<str:kind>/<str:account>/", webhooks.hook, name="webhook"),
    path("chat/", include("soridam.channels.chat.urls")),
    path("", include("soridam.workspace.urls")),
    path("", include("soridam.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
