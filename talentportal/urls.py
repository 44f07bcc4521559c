from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from talentportal.directory.mfa import ActivateTOTPView

admin.site.site_header = "Talent Portal administration"
admin.site.site_title = "Talent Portal"
# The admin signs in through allauth: email verification, rate limits and two factors.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "talentportal.core.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # TOTP set-up records the step of the code it accepted (talentportal/directory/mfa.py).
    path("accounts/2fa/totp/activate/", ActivateTOTPView.as_view(), name="mfa_activate_totp"),
    path("accounts/", include("allauth.urls")),
    path("programmes/", include("programmes.urls")),
    path("coaching/", include("coaching.urls")),
    path("talent/", include("talentpools.urls")),
    path("reporting/", include("reporting.urls")),
    path("", include("talentportal.directory.urls")),
]
# Stored files (coaching evidence, report PDFs) are never served from MEDIA_URL, not even
# under DEBUG: each is downloaded only through its app's view, which checks who may have it.
