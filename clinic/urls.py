from django.urls import path

from clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.treatment_list, name="treatment_list"),
    path("treatments/new/", views.treatment_new, name="treatment_new"),
    path("treatments/<int:pk>/", views.treatment_detail, name="treatment_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("join/<str:token>/", views.treatment_join, name="treatment_join"),
]
