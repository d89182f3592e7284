"""The API's routers, gathered in one NinjaAPI mounted at /api/v1/."""

from tinhso.accounts.api import router as accounts_router
from tinhso.accounts.auth import BearerTokenAuth, SecondFactorSessionAuth
from tinhso.core.api import build_api
from tinhso.dossiers.api import router as dossiers_router
from tinhso.education.api import router as education_router
from tinhso.feedback.api import router as feedback_router
from tinhso.geo.api import router as geo_router
from tinhso.health.dcc_api import router as health_dcc_router
from tinhso.monitoring.api import router as monitoring_router
from tinhso.payments.api import router as payments_router
from tinhso.population.api import router as population_router
from tinhso.procedures.api import router as procedures_router
from tinhso.signing.api import router as signing_router

api = build_api(auth=[BearerTokenAuth(), SecondFactorSessionAuth()])
for router in (
    accounts_router,
    geo_router,
    procedures_router,
    dossiers_router,
    signing_router,
    monitoring_router,
    population_router,
    education_router,
    payments_router,
    health_dcc_router,
    feedback_router,
):
    api.add_router("", router)
