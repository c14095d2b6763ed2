"""The ASGI entry point the image runs: `uvicorn app.asgi:app`."""
from .main import create_app

app = create_app()
