from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("apply/<str:kind>/", views.ApplyView.as_view(), name="apply"),
    path("applications/<int:pk>/shortlist/", views.ShortlistView.as_view(), name="shortlist"),
    path(
        "practitioner/register/",
        views.PractitionerRegisterView.as_view(),
        name="practitioner_register",
    ),
    path("practitioner/", views.PractitionerProfileView.as_view(), name="practitioner_profile"),
    path("relationships/<int:pk>/", views.RelationshipView.as_view(), name="relationship"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/relationships/", views.TeamRelationshipsView.as_view(), name="team_relationships"),
    path("team/practitioners/", views.TeamPractitionersView.as_view(), name="team_practitioners"),
    path("team/cohort-match/", views.CohortMatchCreateView.as_view(), name="cohort_match_new"),
    path("team/cohort-match/<int:pk>/", views.CohortMatchView.as_view(), name="cohort_match"),
    path("team/import/<str:kind>/", views.CoachingImportView.as_view(), name="import"),
    path("evidence/<int:pk>/", views.EvidenceView.as_view(), name="evidence"),
]
