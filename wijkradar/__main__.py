"""``python -m wijkradar`` runs the command line (same as the ``wijkradar`` script)."""

import sys

from .cli import main

sys.exit(main())
