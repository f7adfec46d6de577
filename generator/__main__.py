"""`python -m generator` is the `newsroom` command."""

import sys

from .cli import main

sys.exit(main())
