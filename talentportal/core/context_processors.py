from django.conf import settings

from talentportal.navigation import navigation_for


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "navigation": navigation_for(request),
    }
