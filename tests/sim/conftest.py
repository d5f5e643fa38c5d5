import pytest

from oddstui.sim.app import SimOptions, SimServer, Simulator
from oddstui.sim.faults import FaultPlan

KEY = "test-key"


def serve(faults: str = "", **options) -> SimServer:
    """A simulator on a free loopback port: seed 7, a fast market, pings every 0.5 s unless told otherwise."""
    settings = {"seed": 7, "rate": 3000, "ping_interval": 0.5, "start_time": 1_790_000_000.0} | options
    return SimServer(Simulator(SimOptions(faults=FaultPlan.parse(faults), **settings))).start()


@pytest.fixture(scope="module")
def sim():
    server = serve()
    yield server
    server.stop()
