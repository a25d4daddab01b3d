"""Data files shipped inside the kg package (see pyproject.toml)."""
