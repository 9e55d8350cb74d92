from django.urls import path

from soridam.odr import card_views

app_name = "odr_cards"

urlpatterns = [
    path("odr/algorithms/", card_views.card_list, name="list"),
    path("odr/algorithms/<slug:name>/", card_views.card_detail, name="detail"),
]
