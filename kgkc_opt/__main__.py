"""``python -m kgkc_opt``: the ``kgkc-opt`` command line (``kgkc_opt.cli.app.run``)."""

try:
    from kgkc_opt.cli.app import run
except KeyboardInterrupt:  # a Ctrl-C while the entry point itself loads: as ``run`` ends one
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print("kgkc-opt: interrupted", file=sys.stderr)
    exec("")  # (see kgkc_opt.cli.app._forget_unhandled_interrupt)
    sys.exit(130)

run()
