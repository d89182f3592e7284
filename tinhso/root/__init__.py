"""The composition root: what wires the apps into one platform.

URL and API assembly, the home and workspace pages, the context processors and
the commands that span apps (bootstrap, backup, restore, sweep_files, serve,
worker). It sits above every app and nothing imports it; `core` below is a kernel
that knows no app (import-linter holds the layers: see pyproject.toml).
"""
