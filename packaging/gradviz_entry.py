"""Entry point of the bundled app: serve multiprocessing's child processes first, then run the gradviz command."""

import multiprocessing
import sys

if __name__ == "__main__":
    # In a bundle the symbolic worker is this same executable started again: freeze_support runs the
    # child's work and exits before anything of gradviz is imported.
    multiprocessing.freeze_support()
    from gradviz.cli import main

    sys.exit(main())
