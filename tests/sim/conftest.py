import pytest

from oddstui.sim.app import SimOptions, SimServer, Simulator
from oddstui.sim.faults import FaultPlan

KEY = "test-key"


def serve(**options) -> SimServer:
    faults = options.pop("faults", "")
    return SimServer(Simulator(SimOptions(seed=7, rate=3000, ping_interval=0.5, start_time=1_790_000_000.0,
                                          faults=FaultPlan.parse(faults), **options))).start()


@pytest.fixture(scope="module")
def sim():
    server = serve()
    yield server
    server.stop()
