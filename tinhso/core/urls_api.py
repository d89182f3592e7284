"""The API's routers, gathered in one NinjaAPI mounted at /api/v1/."""

from tinhso.accounts.api import router as accounts_router
from tinhso.geo.api import router as geo_router

from .api import build_api

api = build_api()
api.add_router("", accounts_router)
api.add_router("", geo_router)
