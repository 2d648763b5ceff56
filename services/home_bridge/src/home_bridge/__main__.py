"""``python -m home_bridge``."""

import sys

from home_bridge.cli import main

sys.exit(main())
