"""``python -m xl_pib`` is the ``xl-pib`` command (useful where the scripts folder is not on PATH)."""

import sys

from .cli import main

sys.exit(main())
