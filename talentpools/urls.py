from django.urls import path

from . import views

app_name = "talentpools"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("nominations/", views.NominationListView.as_view(), name="nominations"),
    path("nominations/new/", views.NominationCreateView.as_view(), name="nominate"),
    path("nominations/self/", views.SelfNominationView.as_view(), name="nominate_self"),
    path("nominations/<int:pk>/", views.NominationView.as_view(), name="nomination"),
    path("people/search/<str:purpose>/", views.PersonSearchView.as_view(), name="person_search"),
    path("windows/", views.WindowListView.as_view(), name="windows"),
    path("windows/<int:pk>/", views.WindowUpdateView.as_view(), name="window"),
    path("pool/", views.PoolView.as_view(), name="pool"),
    path("pool/<int:pk>/", views.MembershipView.as_view(), name="membership"),
    path("vacancies/", views.VacancyListView.as_view(), name="vacancies"),
    path("vacancies/<int:pk>/", views.VacancyView.as_view(), name="vacancy"),
    path("schemes/", views.SchemesView.as_view(), name="schemes"),
    path("schemes/cohorts/<int:pk>/", views.CohortView.as_view(), name="cohort"),
    path("schemes/gmts/<int:year>-<int:month>/", views.IntakeView.as_view(), name="intake"),
    path("reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("reviews/<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("reviews/<int:pk>/export.csv", views.ReviewExportView.as_view(), name="review_export"),
    path("succession/", views.SuccessionView.as_view(), name="succession"),
    path(
        "succession/<int:pk>/",
        views.OrganisationSuccessionView.as_view(),
        name="succession_organisation",
    ),
    path("import/<str:kind>/", views.TalentImportView.as_view(), name="import"),
]
