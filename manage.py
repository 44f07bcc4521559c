#!/usr/bin/env python
"""Django's command-line utility, with one-line errors when a service is down."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings.local")
    from django.core.management import execute_from_command_line

    from talentportal.core.services_check import ServiceUnavailable, explain_service_error

    try:
        execute_from_command_line(sys.argv)
    except ServiceUnavailable as exc:
        sys.stderr.write(f"{exc}\n")
        sys.exit(2)
    except Exception as exc:
        message = explain_service_error(exc)
        if message is None:
            raise
        sys.stderr.write(f"{message}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
