"""${{ values.name }} backend: a FastAPI service in front of PostgreSQL."""
