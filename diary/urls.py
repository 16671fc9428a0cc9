from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("today/", views.today, name="today"),
    # The installable app: from the site's root, so the service worker may serve it all.
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("treatments/", views.treatment_list, name="treatment_list"),
    path("my-data/export.zip", views.data_export, name="data_export"),
    path("reminders/", views.reminders, name="reminders"),
    path("treatments/<int:pk>/day/<int:day>/", views.entry_day, name="entry_day"),
    path("treatments/<int:pk>/history/", views.history, name="history"),
    path("treatments/<int:pk>/downtime/", views.downtime_report, name="downtime_report"),
    path("treatments/<int:pk>/charts/<slug:symptom>.svg", views.chart, name="chart"),
    path("treatments/<int:pk>/compare/", views.compare, name="compare"),
    path("photos/<uuid:key>/", views.photo, {"size": "full"}, name="photo"),
    path("photos/<uuid:key>/screen/", views.photo, {"size": "screen"}, name="photo_screen"),
    path("photos/<uuid:key>/remove/", views.photo_remove, name="photo_remove"),
    path("photos/<uuid:key>/view/", views.photo_page, name="photo_page"),
    path(
        "photos/<uuid:key>/thumbnail/",
        views.photo,
        {"size": "thumbnail"},
        name="photo_thumbnail",
    ),
]
