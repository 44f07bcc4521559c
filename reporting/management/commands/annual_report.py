"""manage.py annual_report --year 2022 --format json|csv|pdf [--output FILE] [--region NAME]"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from reporting import pdf, selectors, services
from talentportal.directory.models import Region


class Command(BaseCommand):
    help = "The year in review for a financial year (2022 = April 2022 to March 2023)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--output", help="Write to this file (standard output if omitted).")
        parser.add_argument("--region", help="A region's name; the portal's region if omitted.")

    def handle(self, *args, year, format, output=None, region=None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("--year must be a financial year between 2000 and 2100.")
        if region:
            found = Region.objects.filter(name__iexact=region).first()
            if found is None:
                known = ", ".join(Region.objects.values_list("name", flat=True))
                raise CommandError(f"Unknown region '{region}'. Known: {known}.")
            region = found
        else:
            region = selectors.default_region()
        if format == "pdf":
            if not output:
                raise CommandError("A PDF needs --output FILE.")
            review = services.review_ensure(year=year, region=region)
            content, pages = pdf.render(selectors.review_snapshot(review=review))
            with open(output, "wb") as f:
                f.write(content)
            self.stdout.write(f"Wrote {output}: {pages} pages.")
            return
        report = selectors.annual_report(year=year, region=region)
        if format == "json":
            text = json.dumps(report, indent=2) + "\n"
        else:
            text = selectors.report_csv(report)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            self.stdout.write(f"Wrote {output}.")
        else:
            sys.stdout.write(text)
