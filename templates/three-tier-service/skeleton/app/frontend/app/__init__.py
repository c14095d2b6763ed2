"""${{ values.name }} frontend: a Flask app that renders the backend's items."""
