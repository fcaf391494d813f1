from tests.bidding.bond_fixtures import *  # noqa: F401,F403
from tests.contracts.fixtures import *  # noqa: F401,F403
from tests.procurement.conftest import *  # noqa: F401,F403
