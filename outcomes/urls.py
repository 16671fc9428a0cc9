from django.urls import path

from outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/export.csv", views.outcomes_export, name="outcomes_export"),
    path(
        "outcomes/summary.csv",
        views.outcomes_summary_export,
        name="outcomes_summary_export",
    ),
    path("patients/<int:pk>/erase/", views.patient_erase, name="patient_erase"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/<int:pk>/lab/", views.course_lab, name="course_lab"),
]
