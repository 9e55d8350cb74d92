from django.urls import path

from soridam.workspace.views import auth, bulk, calls, cases, customers, inbox, macros, privacy, saved_views, search

app_name = "workspace"

urlpatterns = [
    path("workspace/login/", auth.login, name="login"),
    path("workspace/logout/", auth.logout, name="logout"),
    path("workspace/settings/", auth.user_settings, name="settings"),
    path("workspace/", inbox.inbox_list, name="inbox"),
    path("workspace/inbox/changed/", inbox.inbox_changed, name="inbox_changed"),
    path("workspace/bulk/", bulk.bulk_change, name="bulk"),
    path("workspace/views/", saved_views.saved_view_create, name="saved_view_create"),
    path("workspace/views/<int:view_id>/", saved_views.saved_view_rename, name="saved_view_rename"),
    path("workspace/views/<int:view_id>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("workspace/cases/<int:case_id>/", cases.case_detail, name="case"),
    path("workspace/cases/<int:case_id>/reply/", cases.case_reply, name="case_reply"),
    path("workspace/cases/<int:case_id>/template/", cases.case_template, name="case_template"),
    path("workspace/cases/<int:case_id>/assign/", cases.case_assign, name="case_assign"),
    path("workspace/cases/<int:case_id>/stage/", cases.case_stage, name="case_stage"),
    path("workspace/cases/<int:case_id>/status/", cases.case_status, name="case_status"),
    path("workspace/cases/<int:case_id>/priority/", cases.case_priority, name="case_priority"),
    path("workspace/cases/<int:case_id>/category/", cases.case_category, name="case_category"),
    path("workspace/cases/<int:case_id>/team/", cases.case_team, name="case_team"),
    path("workspace/cases/<int:case_id>/tags/add/", cases.case_tag_add, name="case_tag_add"),
    path("workspace/cases/<int:case_id>/tags/remove/", cases.case_tag_remove, name="case_tag_remove"),
    path("workspace/cases/<int:case_id>/calls/", cases.case_call, name="case_call"),
    path("workspace/cases/<int:case_id>/orders/link/", cases.case_order_link, name="case_order_link"),
    path("workspace/cases/<int:case_id>/orders/unlink/", cases.case_order_unlink, name="case_order_unlink"),
    path("workspace/calls/new/", calls.log_call, name="log_call"),
    path("workspace/customers/<int:customer_id>/", customers.customer_detail, name="customer"),
    path("workspace/customers/<int:customer_id>/notes/", customers.customer_note, name="customer_note"),
    path("workspace/customers/<int:customer_id>/merge/", customers.customer_merge, name="customer_merge"),
    path("workspace/merges/<int:merge_id>/undo/", customers.merge_undo, name="merge_undo"),
    path("workspace/attachments/<int:attachment_id>/", cases.attachment, name="attachment"),
    path("workspace/cases/<int:case_id>/articles/", search.case_articles, name="case_articles"),
    path(
        "workspace/cases/<int:case_id>/articles/<int:article_id>/used/",
        search.case_article_used,
        name="case_article_used",
    ),
    path("workspace/search/", search.search_cases, name="case_search"),
    path("workspace/macros/", macros.macro_list, name="macros"),
    path("workspace/macros/<int:macro_id>/", macros.macro_edit, name="macro_edit"),
    path("workspace/macros/<int:macro_id>/delete/", macros.macro_delete, name="macro_delete"),
    path("workspace/cases/<int:case_id>/messages/<int:message_id>/reveal/", privacy.reveal_pii, name="reveal_pii"),
    path("workspace/privacy/access-report/", privacy.access_report, name="access_report"),
]
