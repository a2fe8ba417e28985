from django.urls import include, path

from zhenxing.web.api import api_urls

urlpatterns = [
    path("api/v1/", api_urls()),
    path("", include("zhenxing.web.urls")),
]
