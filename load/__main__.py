import sys

from load.runner import main

sys.exit(main())
