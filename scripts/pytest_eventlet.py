"""Test tooling: runs pytest inside an eventlet-patched process, as nameko workers run."""
import eventlet

eventlet.monkey_patch()

import sys  # noqa: E402

import pytest  # noqa: E402

sys.exit(pytest.main(sys.argv[1:]))
