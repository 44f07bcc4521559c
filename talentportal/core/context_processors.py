from django.conf import settings

from talentportal.navigation import navigation_for


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_CONTACT_EMAIL": settings.PORTAL_CONTACT_EMAIL,
        "PORTAL_PRIVACY_EMAIL": settings.PORTAL_PRIVACY_EMAIL,
        "navigation": navigation_for(request),
    }
