from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.i18n import set_language

from zhenxing.accounts import views as account_views
from zhenxing.accounts.access import exempt
from zhenxing.web import audit_views, views

app_name = "web"


@exempt("stores the chosen interface language in a cookie; reads no data")
def set_language_view(request: HttpRequest) -> HttpResponse:
    return set_language(request)


urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("otp/", account_views.otp_view, name="otp"),
    path("otp/enrol/<str:token>/", account_views.otp_enrol_view, name="otp_enrol"),
    path("password/", account_views.password_change_view, name="password_change"),
    path("language/", set_language_view, name="set_language"),
    path("regions/", views.regions_view, name="regions"),
    path("regions/<str:code>/", views.regions_view, name="region"),
    path("accounts/", account_views.accounts_view, name="accounts"),
    path("accounts/new/", account_views.account_create_view, name="account_create"),
    path("accounts/<int:user_id>/role/", account_views.account_grant_view, name="account_grant"),
    path(
        "accounts/<int:user_id>/unlock/", account_views.account_unlock_view, name="account_unlock"
    ),
    path(
        "accounts/<int:user_id>/password/",
        account_views.account_reset_password_view,
        name="account_reset_password",
    ),
    path(
        "accounts/<int:user_id>/enrolment/",
        account_views.account_enrolment_view,
        name="account_enrolment",
    ),
    path(
        "accounts/<int:user_id>/deactivate/",
        account_views.account_deactivate_view,
        name="account_deactivate",
    ),
    path("audit/", audit_views.audit_list_view, name="audit"),
]
