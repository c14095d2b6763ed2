"""The WSGI entry point the image runs: `gunicorn app.wsgi:app`."""
from .web import create_app

app = create_app()
