from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("my-bookings/", views.MyBookingsView.as_view(), name="my_bookings"),
    path("book/<str:kind>/<int:pk>/", views.BookView.as_view(), name="book"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking_cancel"),
    path(
        "bookings/<int:pk>/self-assessment/<str:stage>/",
        views.SelfAssessmentView.as_view(),
        name="self_assessment",
    ),
    path("bookings/<int:pk>/accept/", views.OfferAcceptView.as_view(), name="offer_accept"),
    path("bookings/<int:pk>/decline/", views.OfferDeclineView.as_view(), name="offer_decline"),
    path(
        "bookings/<int:pk>/calendar.ics",
        views.BookingCalendarView.as_view(),
        name="booking_calendar",
    ),
    path("bookings/<int:pk>/evaluate/", views.EvaluationView.as_view(), name="evaluate"),
    path("registers/", views.RegistersToCompleteView.as_view(), name="registers"),
    path("sessions/<int:pk>/register/", views.RegisterView.as_view(), name="register"),
    path(
        "sessions/<int:pk>/register.<str:fmt>",
        views.RegisterExportView.as_view(),
        name="register_export",
    ),
    path("sessions/<int:pk>/cancel/", views.SessionCancelView.as_view(), name="session_cancel"),
    path("cohorts/<int:pk>/cancel/", views.CohortCancelView.as_view(), name="cohort_cancel"),
    path("waiting-list/<str:kind>/<int:pk>/", views.WaitingListView.as_view(), name="waiting_list"),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("import/", views.BookingImportView.as_view(), name="import"),
    path("new-programme/", views.ProgrammeEditView.as_view(), name="programme_new"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("<slug:slug>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("<slug:slug>/dates/new/", views.SessionEditView.as_view(), name="session_new"),
]
