"""Entry point: `flask --app app ...` and `gunicorn app:app`."""

from counsel import create_app

app = create_app()
