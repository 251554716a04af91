import sys

from kgkc_opt.cli import main

sys.exit(main())
