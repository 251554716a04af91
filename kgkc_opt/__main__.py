from kgkc_opt.cli.app import run

run()
