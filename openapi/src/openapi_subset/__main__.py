"""Entry point for `python -m openapi_subset`."""

import sys

from openapi_subset.cli import main

sys.exit(main())
