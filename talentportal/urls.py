from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Talent Portal administration"
admin.site.site_title = "Talent Portal"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("programmes/", include("programmes.urls")),
    path("", include("talentportal.directory.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
