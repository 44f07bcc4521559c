from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "json|csv"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

app_name = "reporting"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("annual/<int:year>/", views.AnnualReportView.as_view(), name="annual"),
    path("annual/<int:year>.<fmt:fmt>", views.AnnualDataView.as_view(), name="annual_data"),
    path("annual/<int:year>/edit/", views.ReviewEditView.as_view(), name="edit"),
    path("annual/<int:year>/pdf/", views.PdfView.as_view(), name="pdf"),
    path("files/<int:pk>/", views.ReportFileView.as_view(), name="file"),
    path("impact/<int:pk>/", views.ImpactView.as_view(), name="impact"),
    path("impact/<int:pk>/pdf/", views.ImpactPdfView.as_view(), name="impact_pdf"),
]
