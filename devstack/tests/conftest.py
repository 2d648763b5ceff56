"""Shared setup for devstack tests (keep minimal: fixtures belong in the test files)."""

import sys

# pytest's importlib mode names these test modules `devstack.tests.<name>` and registers this
# folder's parent as a stand-in `devstack` namespace module, which hides the installed devstack
# package. Drop the stand-in so `import devstack.<module>` finds the real package.
_standin = sys.modules.get("devstack")
if _standin is not None and getattr(_standin, "__file__", None) is None:
    del sys.modules["devstack"]

import devstack  # noqa: E402, F401 - registers the real package before any test module imports it
