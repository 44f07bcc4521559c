"""The portal's URLs plus `POST /bench-floor/`, answered as a booking is."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path
from django.views import View

from talentportal.directory.permissions import RoleRequiredMixin


class FloorView(RoleRequiredMixin, View):
    """What a booking POST costs before its own work: the same middleware (session, user,
    roles and the second-factor check, CSRF, the audit context), the same mixin, a message
    and the redirect to My bookings; no booking. Anyone signed in, as for booking."""

    def post(self, request):
        messages.success(request, "Nothing was booked: this is the benchmark's floor.")
        return redirect("programmes:my_bookings")


urlpatterns = [
    path("bench-floor/", FloorView.as_view(), name="bench_floor"),
    path("", include("talentportal.urls")),
]
