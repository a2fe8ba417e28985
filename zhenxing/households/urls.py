from django.urls import path

from zhenxing.households import views

app_name = "households"

urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("villages/", views.village_options_view, name="village_options"),
    path("new/", views.household_create_view, name="create"),
    path("<int:pk>/", views.household_detail_view, name="detail"),
    path("<int:pk>/edit/", views.household_edit_view, name="edit"),
    path("<int:pk>/facts/edit/", views.facts_edit_view, name="facts_edit"),
    path("<int:pk>/unmask/<str:name>/", views.household_unmask_view, name="unmask"),
    path("members/<int:pk>/edit/", views.member_edit_view, name="member_edit"),
    path("members/<int:pk>/unmask/", views.member_unmask_view, name="member_unmask"),
]
