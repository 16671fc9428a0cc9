from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("treatments/", views.treatment_list, name="treatment_list"),
    path("treatments/<int:pk>/day/<int:day>/", views.entry_day, name="entry_day"),
    path("treatments/<int:pk>/history/", views.history, name="history"),
    path("treatments/<int:pk>/charts/<slug:symptom>.svg", views.chart, name="chart"),
    path("photos/<uuid:key>/", views.photo, {"size": "full"}, name="photo"),
    path(
        "photos/<uuid:key>/thumbnail/",
        views.photo,
        {"size": "thumbnail"},
        name="photo_thumbnail",
    ),
]
