from django.urls import path

from soridam.kb import views

app_name = "kb"

urlpatterns = [
    path("", views.help_home, name="home"),
    path("suggest", views.suggest, name="suggest"),
    path("search/", views.search_page, name="search"),
    path("categories/<slug:slug>/", views.category_page, name="category"),
    path("articles/<int:article_id>/", views.article_page, name="article"),
    path("articles/<int:article_id>/vote/", views.vote, name="vote"),
    path("articles/<int:article_id>/solved/", views.solved, name="solved"),
    path("complaint-sent", views.complaint_submitted, name="complaint_sent"),
]
