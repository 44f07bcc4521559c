from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Talent Portal administration"
admin.site.site_title = "Talent Portal"
# The admin signs in through allauth: email verification, rate limits and two factors.
admin.site.login = secure_admin_login(admin.site.login)

handler500 = "talentportal.core.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("programmes/", include("programmes.urls")),
    path("coaching/", include("coaching.urls")),
    path("talent/", include("talentpools.urls")),
    path("reporting/", include("reporting.urls")),
    path("", include("talentportal.directory.urls")),
]
# Stored files (coaching evidence, report PDFs) are never served from MEDIA_URL, not even
# under DEBUG: each is downloaded only through its app's view, which checks who may have it.
