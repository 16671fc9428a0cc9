from django.urls import path, re_path

from review import views

app_name = "review"
urlpatterns = [
    path("cases/", views.case_queue, name="case_queue"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    re_path(
        r"^cases/(?P<pk>[0-9]+)/(?P<action>acknowledge|note|contact|resolve)/$",
        views.case_action,
        name="case_action",
    ),
]
