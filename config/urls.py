from django.urls import include, path

from zhenxing.web.api import api_urls

urlpatterns = [
    path("api/v1/", api_urls()),
    path("households/import/", include("zhenxing.households.urls_import")),
    path("households/", include("zhenxing.households.urls")),
    path("screening/", include("zhenxing.screening.urls")),
    path("industry/", include("zhenxing.industry.urls")),
    path("monitoring/", include("zhenxing.monitoring.urls")),
    path("assistance/", include("zhenxing.assistance.urls")),
    path("supervision/", include("zhenxing.supervision.urls")),
    path("", include("zhenxing.web.urls")),
]
