from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from programmes.models import Workstream
from talentportal.core.errors import ApplicationError
from talentportal.core.periods import financial_year
from talentportal.core.views import parse_id
from talentportal.directory.models import Region, Role
from talentportal.directory.permissions import ACADEMY_TEAM, RoleRequiredMixin, has_role

from . import selectors, services
from .forms import EnteredFigureForm, ReviewForm
from .models import ReportFile

REPORTERS = ACADEMY_TEAM | {Role.REPORT_TEAM}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _panel_files(files) -> dict:
    """The latest build (whatever its state) and every version that is ready to download."""
    files = files.select_related("requested_by").order_by("-requested_at", "-id")
    return {
        "latest": files.first(),
        "ready": list(files.filter(status=ReportFile.Status.READY)[:50]),
    }


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _region(request) -> Region:
    name = request.GET.get("region")
    if not name:
        return selectors.default_region()
    region = Region.objects.filter(name__iexact=name).first()
    if region is None:
        raise Http404
    return region


class IndexView(RoleRequiredMixin, View):
    required_roles = REPORTERS

    def get(self, request):
        current = financial_year(timezone.localdate())[0].year
        return redirect("reporting:annual", year=current)


class AnnualReportView(RoleRequiredMixin, View):
    """The year's figures with charts, year-on-year change and links to what lies beneath."""

    required_roles = REPORTERS

    def get(self, request, year):
        year = _year(year)
        region = selectors.default_region()
        review = services.review_ensure(year=year, region=region)
        figures = selectors.annual_report(year=year, region=region)
        ids = dict(Workstream.objects.values_list("name", "pk"))
        catalogue = reverse("programmes:catalogue")
        for row in figures["interventions"]["by_workstream"]:
            row["drill_down"] = f"{catalogue}?workstream={ids.get(row['workstream'], '')}"
        previous = selectors.annual_report(year=year - 1, region=region)
        return render(
            request,
            "reporting/annual.html",
            {
                "year": year,
                "region": region,
                "review": review,
                "f": figures,
                "yoy": selectors.year_on_year(figures, previous),
                **_panel_files(review.files.all()),
                "panel_url": reverse("reporting:pdf", args=[year]),
                "is_team": has_role(request.user, *ACADEMY_TEAM),
                "years": range(year - 3, year + 2),
                "programmes": selectors.programmes_of_year(year=year, region=region),
            },
        )


class AnnualDataView(RoleRequiredMixin, View):
    """The figures as JSON or CSV, for the report team's own tools."""

    required_roles = REPORTERS

    def get(self, request, year, fmt):
        if request.GET.get("region", "").lower() == "all":  # every region together
            report = selectors.annual_report(year=_year(year), national=True)
        else:
            report = selectors.annual_report(year=_year(year), region=_region(request))
        if fmt == "json":
            return JsonResponse(report, json_dumps_params={"indent": 2})
        response = HttpResponse(
            selectors.report_csv(report), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="year-in-review-{year}.csv"'
        return response


class ReviewEditView(RoleRequiredMixin, View):
    """The team's words for the year, the workforce baselines and the entered figures."""

    required_roles = REPORTERS
    template_name = "reporting/review_edit.html"

    def _render(self, request, review, form=None, figure_form=None):
        return render(
            request,
            self.template_name,
            {
                "review": review,
                "form": form or ReviewForm(instance=review),
                "figure_form": figure_form or EnteredFigureForm(prefix="figure"),
                "entered": review.entered.all(),
            },
        )

    def get(self, request, year):
        review = services.review_ensure(year=_year(year), region=selectors.default_region())
        return self._render(request, review)

    def post(self, request, year):
        review = services.review_ensure(year=_year(year), region=selectors.default_region())
        if "remove" in request.POST:
            figure = get_object_or_404(review.entered, pk=parse_id(request.POST.get("remove")))
            services.entered_figure_remove(figure=figure)
            messages.success(request, f"{figure.name} removed.")
            return redirect("reporting:edit", year=year)
        if "figure-name" in request.POST:
            figure_form = EnteredFigureForm(request.POST, prefix="figure")
            if figure_form.is_valid():
                try:
                    services.entered_figure_set(review=review, **figure_form.cleaned_data)
                except ApplicationError as exc:
                    figure_form.add_error(None, exc.message)
                else:
                    messages.success(request, "Figure saved.")
                    return redirect("reporting:edit", year=year)
            return self._render(request, review, figure_form=figure_form)
        form = ReviewForm(request.POST, instance=review)
        if form.is_valid():
            services.review_update(review=review, **form.cleaned_data)
            messages.success(request, "The year in review is saved.")
            return redirect("reporting:annual", year=year)
        return self._render(request, review, form=form)


class PdfView(RoleRequiredMixin, View):
    """The PDF panel: GET shows the latest builds (htmx polls it while one is in progress);
    POST asks for a new one, or returns the one already in progress."""

    required_roles = REPORTERS

    def _panel(self, request, review):
        return render(
            request,
            "reporting/_pdf_panel.html",
            {
                "panel_url": reverse("reporting:pdf", args=[review.year]),
                **_panel_files(review.files.all()),
            },
        )

    def get(self, request, year):
        review = services.review_ensure(year=_year(year), region=selectors.default_region())
        return self._panel(request, review)

    def post(self, request, year):
        review = services.review_ensure(year=_year(year), region=selectors.default_region())
        services.pdf_request(review=review, user=request.user, now=timezone.now())
        if request.htmx:
            return self._panel(request, review)
        return redirect(reverse("reporting:annual", kwargs={"year": year}) + "#pdf")


class ReportFileView(RoleRequiredMixin, View):
    required_roles = REPORTERS

    def get(self, request, pk):
        report = get_object_or_404(ReportFile, pk=pk, status=ReportFile.Status.READY)
        try:
            handle = report.pdf.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=report.filename,
            content_type="application/pdf",
        )


def _impact_subject(request, pk):
    from programmes.models import Cohort, Programme

    programme = get_object_or_404(Programme, pk=pk)
    cohort_id = parse_id(request.GET.get("cohort") or request.POST.get("cohort"))
    cohort = get_object_or_404(Cohort, pk=cohort_id, programme=programme) if cohort_id else None
    return programme, cohort


def _impact_files(programme, cohort):
    return _panel_files(
        ReportFile.objects.filter(kind=ReportFile.Kind.IMPACT, programme=programme, cohort=cohort)
    )


def _impact_panel_url(programme, cohort):
    url = reverse("reporting:impact_pdf", args=[programme.pk])
    return f"{url}?cohort={cohort.pk}" if cohort else url


class ImpactView(RoleRequiredMixin, View):
    """A programme's or cohort's impact: reach, the before-and-after shift, evaluations."""

    required_roles = REPORTERS

    def get(self, request, pk):
        from programmes.selectors import impact

        programme, cohort = _impact_subject(request, pk)
        return render(
            request,
            "reporting/impact.html",
            {
                "programme": programme,
                "cohort": cohort,
                "cohorts": programme.cohorts.all(),
                "i": impact(programme=programme, cohort=cohort),
                **_impact_files(programme, cohort),
                "panel_url": _impact_panel_url(programme, cohort),
            },
        )


class ImpactPdfView(RoleRequiredMixin, View):
    required_roles = REPORTERS

    def _panel(self, request, programme, cohort):
        return render(
            request,
            "reporting/_pdf_panel.html",
            {**_impact_files(programme, cohort), "panel_url": _impact_panel_url(programme, cohort)},
        )

    def get(self, request, pk):
        return self._panel(request, *_impact_subject(request, pk))

    def post(self, request, pk):
        programme, cohort = _impact_subject(request, pk)
        services.pdf_request(
            programme=programme, cohort=cohort, user=request.user, now=timezone.now()
        )
        if request.htmx:
            return self._panel(request, programme, cohort)
        return redirect(_impact_panel_url(programme, cohort).replace("/pdf/", "/"))
