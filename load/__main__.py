import sys

from load.phases import run
from load.runner import main

sys.exit(main(run_nodes=run))
