#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liverqa.settings")
    # Local development: `make run` writes a git-ignored .env (debug on, a generated key), so
    # `python manage.py <anything>` works with nothing typed. Real environment variables win.
    # Only manage.py reads it; the WSGI/ASGI entry points never do. LIVERQA_DOTENV names
    # another file, or, set empty, turns this off.
    dotenv = os.environ.get("LIVERQA_DOTENV", str(Path(__file__).resolve().parent / ".env"))
    if dotenv:
        from dotenv import load_dotenv

        load_dotenv(dotenv, override=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
