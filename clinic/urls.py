from django.urls import path, re_path

from clinic import outcome_views, review_views, views

app_name = "clinic"
urlpatterns = [
    path("", views.treatment_list, name="treatment_list"),
    path("treatments/new/", views.treatment_new, name="treatment_new"),
    path("treatments/<int:pk>/", views.treatment_detail, name="treatment_detail"),
    path("cases/", review_views.case_queue, name="case_queue"),
    path("cases/<int:pk>/", review_views.case_detail, name="case_detail"),
    re_path(
        r"^cases/(?P<pk>[0-9]+)/(?P<action>acknowledge|note|contact|resolve)/$",
        review_views.case_action,
        name="case_action",
    ),
    path("audit/", review_views.audit_log, name="audit_log"),
    path("outcomes/", outcome_views.outcomes, name="outcomes"),
    path("outcomes/export.csv", outcome_views.outcomes_export, name="outcomes_export"),
    path(
        "outcomes/summary.csv",
        outcome_views.outcomes_summary_export,
        name="outcomes_summary_export",
    ),
]
