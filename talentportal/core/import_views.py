"""The administrators' upload page for `records_import`: upload, preview, confirm.

Each app subclasses `RecordsImportView` with its kind, roles and where to go after.
"""

import secrets
import zlib

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from talentportal.directory.permissions import RoleRequiredMixin

from .imports import MAX_IMPORT_BYTES, REGISTRY, ImportFailed, problems_csv, records_import


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, with a header row.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Choose a .csv file.")
        return upload


class RecordsImportView(RoleRequiredMixin, View):
    kind: str
    title: str
    success_url_name: str
    template_name = "core/records_import.html"

    def render(self, request, **ctx):
        importer = REGISTRY[self.kind]
        ctx.setdefault("form", ImportUploadForm())
        ctx.update(importer=importer, title=self.title, header=",".join(importer.columns))
        preview = ctx.get("preview")
        if preview and preview.preview:
            ctx["preview_columns"] = list(preview.preview[0])
        return render(request, self.template_name, ctx)

    def get(self, request):
        if "problems" in request.GET:
            return self.problems_download(request, request.GET["problems"])
        return self.render(request)

    def _key(self, request, token: str, what: str = "import") -> str:
        return f"{what}:{self.kind}:{request.user.pk}:{token}"

    def failed(self, request, failure: ImportFailed, **ctx):
        """The page with the first problems, how many more there are, and (if any are
        left out) a link to all of them as CSV, kept for this person for an hour."""
        if failure.more:
            token = secrets.token_urlsafe(16)
            csv_text = problems_csv(failure.errors).encode()
            cache.set(self._key(request, token, "problems"), zlib.compress(csv_text), 3600)
            ctx["problems_token"] = token
        return self.render(
            request, errors=failure.shown, error_count=len(failure.errors),
            errors_more=failure.more, **ctx,
        )  # fmt: skip

    def problems_download(self, request, token: str):
        data = cache.get(self._key(request, token, "problems")) if token else None
        if data is None:
            messages.error(request, "The list of problems has expired; check the file again.")
            return redirect(request.path)
        response = HttpResponse(zlib.decompress(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.kind}-problems.csv"'
        return response

    def post(self, request):
        if "confirm" in request.POST:
            token = request.POST.get("token", "")
            data = cache.get(self._key(request, token)) if token else None
            if data is None:
                messages.error(request, "The checked file has expired; choose it again.")
                return redirect(request.path)
            try:
                result = records_import(kind=self.kind, data=data, by=request.user)
            except ImportFailed as exc:
                return self.failed(request, exc)
            cache.delete(self._key(request, token))
            messages.success(
                request,
                f"Imported {result.rows} rows: {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged.",
            )
            return redirect(reverse(self.success_url_name))
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        data = form.cleaned_data["file"].read()
        try:
            result = records_import(kind=self.kind, data=data, dry_run=True, by=request.user)
        except ImportFailed as exc:
            return self.failed(request, exc, form=form)
        # The checked file waits on the server (not in the page) until it is confirmed.
        token = secrets.token_urlsafe(16)
        cache.set(self._key(request, token), data, timeout=3600)
        return self.render(request, form=form, preview=result, token=token)
