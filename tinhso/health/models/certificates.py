"""Vaccination certificates (EU DCC format, HC1/COSE), issuer keys, the immunisation
schedule and what goes with them. Owned by the dcc work; builds on `clinical`."""
