"""Imported once, by the verifier's fork server (`sandbox.py`) and nowhere else: Django
set up and pyHanko loaded there, so that each check's process, forked from it, starts
ready in a few milliseconds."""

import django

django.setup()

from tinhso.signing import pades, sandbox  # noqa: E402,F401  (loaded for the children)
