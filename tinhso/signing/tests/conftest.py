# The dossier fixtures (applicant → submitted → … → result_ready) serve these tests too.
from tinhso.dossiers.tests.conftest import *  # noqa: F403
