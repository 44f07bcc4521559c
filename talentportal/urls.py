from allauth.account.decorators import secure_admin_login
from django.conf import settings
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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
