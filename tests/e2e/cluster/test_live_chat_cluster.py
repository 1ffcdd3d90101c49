"""The side-by-side chat again, with three workers behind one port and Redis between them."""

import subprocess

import pytest

from tests.e2e.cluster.conftest import WORKERS
from tests.e2e.test_live_chat import test_visitor_and_agent_side_by_side as side_by_side

pytestmark = pytest.mark.e2e


def test_the_app_runs_several_worker_processes(live_app):
    # The app was started in its own session: the server and its forked workers are all in it.
    listing = subprocess.run(["ps", "-o", "args=", "-s", str(live_app["pid"])], capture_output=True, text=True).stdout
    processes = [line for line in listing.splitlines() if "reflex run" in line]
    assert len(processes) >= WORKERS + 1, listing


def test_visitor_and_agent_side_by_side_across_workers(live_app, browser, page):
    side_by_side(live_app, browser, page)
