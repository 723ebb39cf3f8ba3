#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings.dev")
    from django.core.management import execute_from_command_line

    from qms.env import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as error:
        # One clear line instead of a traceback: the person starting the
        # product needs to know which setting to fix, not where Python was.
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
