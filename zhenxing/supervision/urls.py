from django.urls import path

from zhenxing.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("visits/new/", views.visit_new_view, name="visit_new"),
    path("visits/<int:pk>/", views.visit_view, name="visit"),
    path("findings/<int:pk>/assign/", views.problem_assign_view, name="problem_assign"),
    path("problems/", views.problems_view, name="problems"),
    path("problems/<int:pk>/", views.problem_view, name="problem"),
    path("problems/<int:pk>/rectify/", views.problem_rectify_view, name="problem_rectify"),
    path("problems/<int:pk>/verify/", views.problem_verify_view, name="problem_verify"),
    path("items/", views.items_view, name="items"),
    path("items/<int:pk>/done/", views.item_done_view, name="item_done"),
    path("organisation/", views.organisation_view, name="organisation"),
    path("projects/", views.projects_view, name="projects"),
    path("projects/<int:pk>/", views.project_view, name="project"),
    path("gaps/", views.gaps_view, name="gaps"),
    path("response/", views.response_view, name="response"),
]
