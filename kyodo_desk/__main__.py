"""``python -m kyodo_desk`` → :func:`kyodo_desk.cli.main`."""

import sys

from kyodo_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
