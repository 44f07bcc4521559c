import logging
import os
import traceback
from pathlib import Path

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import ApplicationError
from .services_check import is_outage
from .views import outage_response

logger = logging.getLogger(__name__)


class ServiceUnavailableMiddleware:
    """An outage of PostgreSQL or Redis in a view answers 503 with a plain page, never a 500.
    (Errors raised in other middleware reach handler500, which does the same.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.warning("service unavailable: %s", exception)
            return outage_response()
        return None


class ApplicationErrorMiddleware:
    """The one place where a domain error escaping a view becomes a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        messages.error(request, exception.message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = "/"
        return redirect(back)


class RejectNullCharactersMiddleware:
    """A NUL character in a query parameter or form field is never meaningful text and
    PostgreSQL cannot store or compare it: answer 400 Bad Request before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        if request.method == "POST" and _has_nul(request.POST):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class AdminListLookupMiddleware:
    """The admin answers a filter it cannot use by showing the list without it (?e=1), but
    a date-hierarchy or filter value out of Python's or PostgreSQL's range (a year past
    9999, a number too long for the database) raises ValueError or OverflowError instead,
    on every admin list. Answer those the admin's way, with a message saying why. Only GETs
    of list pages whose address has parameters, and only errors raised inside Django while
    the admin's ChangeList turns the parameters into a query (`_from_admin_lookups`): a
    list that fails without parameters, or in our code (a column, a queryset), is a bug,
    and still reaches the 500 handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib.admin.options import IncorrectLookupParameters
        from django.contrib.admin.views.main import ERROR_FLAG

        if not isinstance(exception, ValueError | OverflowError | IncorrectLookupParameters):
            return None
        match = request.resolver_match
        if (
            request.method != "GET"
            or match is None
            or "admin" not in match.namespaces
            or not (match.url_name or "").endswith("_changelist")
            or not any(name != ERROR_FLAG for name in request.GET)
            or not _from_admin_lookups(exception)
        ):
            return None
        logger.info("admin list %s: unusable filter %s (%s)", request.path, request.GET, exception)
        messages.error(
            request,
            "The list could not be filtered that way (a date or number is out of range), "
            "so it is shown without the filter.",
        )
        return redirect(f"{request.path}?{ERROR_FLAG}=1")


def _from_admin_lookups(exception) -> bool:
    """Whether `exception` was raised while the admin's ChangeList (its date hierarchy,
    filters and the count of what they match) was being built, with nothing but Django
    between it and the raise: our code in between (a ModelAdmin's queryset, a list filter
    of ours), or the page's columns and templates (rendered after the ChangeList), are not
    the admin's lookups."""
    import django
    from django.contrib.admin.views import main

    inside_django = str(Path(django.__file__).parent) + os.sep
    files = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(exception.__traceback__)]
    if main.__file__ not in files:
        return False
    return all(name.startswith(inside_django) for name in files[files.index(main.__file__) :])
