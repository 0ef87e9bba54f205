"""python -m @package@ runs the service (the same as the @project@ command)."""
import sys

from @package@.app import main

sys.exit(main())
