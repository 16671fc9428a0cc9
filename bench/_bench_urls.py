"""Production's URLs plus /bench/hello/, the floor the page benchmarks measure
against: a view that does nothing, behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *app_urlpatterns]
