#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    # A checkout with neither SECRET_KEY nor DEBUG set is a developer's machine: run commands
    # in development mode there. A deployment sets SECRET_KEY, so it keeps DEBUG off unless
    # it says otherwise. The web server entry points (wsgi.py, asgi.py) never do this.
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
