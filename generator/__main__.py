"""`python -m generator` is the `newsroom` command."""

import sys

from generator.cli import main

sys.exit(main())
