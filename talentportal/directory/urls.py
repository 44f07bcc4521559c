from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.HomeView.as_view(), name="dashboard"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/edit/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("profile/equality/", views.EqualityEditView.as_view(), name="equality_edit"),
    path("profile/my-data.json", views.MyDataView.as_view(), name="my_data"),
    path("profile/erase/", views.ErasureRequestView.as_view(), name="erasure_request"),
    path("people/erasure-requests/", views.ErasureListView.as_view(), name="erasure_list"),
    path("people/<int:pk>/data.json", views.PersonDataView.as_view(), name="person_data"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/import/",
        views.OrganisationImportView.as_view(),
        name="organisation_import",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/<int:pk>/roles/", views.PersonRolesView.as_view(), name="person_roles"),
    path(
        "people/<int:pk>/roles/<int:assignment_pk>/revoke/",
        views.RoleRevokeView.as_view(),
        name="role_revoke",
    ),
    path("session/extend/", views.SessionExtendView.as_view(), name="session_extend"),
    path("health/", views.health, name="health"),
    path("accessibility/", views.FooterPage.as_view(page="accessibility"), name="accessibility"),
    path("privacy/", views.FooterPage.as_view(page="privacy"), name="privacy"),
    path("cookies/", views.FooterPage.as_view(page="cookies"), name="cookies"),
    path("help/", views.FooterPage.as_view(page="help"), name="help"),
]
