"""Entry point: `flask --app app ...` and `gunicorn app:app`."""

from pathlib import Path

from dotenv import load_dotenv

from counsel import create_app

# An optional .env beside this file, for gunicorn too (the flask command reads it itself);
# variables already in the environment win.
load_dotenv(Path(__file__).with_name(".env"))

app = create_app()
