"""Django's PostgreSQL backend with a health check that asks the socket, not the
server (`ENGINE = "tinhso.core.postgresql"`; see base.py)."""
