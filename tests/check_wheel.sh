#!/usr/bin/env bash
# Build the sdist and the wheel, install the wheel into a fresh virtual environment, and run it
# there as a planner would: what an installed kgkc-opt reads (the bundled programs, ...) must be in
# the wheel (pyproject.toml, [tool.setuptools.package-data]).
#
#   bash tests/check_wheel.sh [PYTHON]        (default: python3; PYTHON needs the `build` package)
#
# 1. copies the repository's files (tracked, and new files not ignored: what a commit would hold)
#    to a temporary folder, so that building writes nothing into the repository;
# 2. `PYTHON -m build` there: the sdist, then the wheel built from the sdist (as pip would);
# 3. checks the sdist and the wheel hold the bundled programs, py.typed, README and LICENSE;
# 4. makes a fresh venv with PYTHON, `pip install dist/*.whl` (the dependencies from the index);
# 5. outside the repository, with no PYTHONPATH: `kgkc-opt solve` on a bundled program's scenario
#    (the README's baseline, which names the bundled program by name), `kgkc-opt audit` of every
#    bundled program, `kgkc-opt program template`, `program export` and `import` of a bundled one.
# Everything is removed at the end. Prints the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
python="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { echo "== $* ($((SECONDS - started)) s)"; }

step "copying the repository"
mkdir -p "$work/src" "$work/run"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$work/src"

step "building the sdist and the wheel with $("$python" --version)"
"$python" -m build --outdir "$work/dist" "$work/src" > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
ls -l "$work/dist"

step "checking what the sdist and the wheel hold"
wheel="$(ls "$work"/dist/*.whl)"
sdist="$(ls "$work"/dist/*.tar.gz)"
"$python" - "$wheel" "$sdist" "$repo" <<'EOF'
import pathlib, sys, tarfile, zipfile
wheel, sdist, repo = sys.argv[1:]
programs = sorted(p.name for p in pathlib.Path(repo, "kgkc_opt", "programs").glob("*.yaml"))
in_wheel = zipfile.ZipFile(wheel).namelist()
in_sdist = [n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n]
missing = [f"wheel: kgkc_opt/programs/{p}" for p in programs if f"kgkc_opt/programs/{p}" not in in_wheel]
missing += [f"sdist: kgkc_opt/programs/{p}" for p in programs if f"kgkc_opt/programs/{p}" not in in_sdist]
missing += [f"wheel: {n}" for n in ("kgkc_opt/py.typed", "kgkc_opt/locale/vi.po") if n not in in_wheel]
missing += ["wheel: LICENSE"] if not any(n.endswith("/LICENSE") for n in in_wheel) else []
missing += [f"sdist: {n}" for n in ("README.md", "LICENSE", "pyproject.toml") if n not in in_sdist]
if missing:
    sys.exit("missing from the package: " + ", ".join(missing))
print(f"{len(programs)} bundled programs, py.typed and LICENSE in the wheel ({len(in_wheel)} files); "
      f"the sdist has {len(in_sdist)} files")
EOF

step "installing the wheel into a fresh venv"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --disable-pip-version-check "$wheel" > "$work/pip.log" 2>&1 \
  || { tail -40 "$work/pip.log"; exit 1; }
"$work/venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -i -E "^(kgkc-opt|pulp|highspy) "

step "running the installed kgkc-opt outside the repository"
cp "$repo/scenarios/baseline.yaml" "$work/run/"
cd "$work/run"
unset PYTHONPATH
kgkc="$work/venv/bin/kgkc-opt"
"$work/venv/bin/python" -c "import kgkc_opt, sys; assert '$repo' not in kgkc_opt.__file__, kgkc_opt.__file__; print('kgkc_opt from', kgkc_opt.__file__)"
"$kgkc" solve baseline.yaml | tee solve.txt
grep -q "tối ưu (đã chứng minh)" solve.txt
"$kgkc" solve --help | grep -q "cách dùng: kgkc-opt solve"  # the wording catalogue is in the wheel
for program in $("$work/venv/bin/python" -c "from kgkc_opt.inputs.files import bundled_programs; print(*bundled_programs())"); do
  "$kgkc" audit "$program" --no-schedule > /dev/null
  echo "audit $program: ok"
done
"$kgkc" program template --out template.xlsx
"$kgkc" program export kien-giang-2021-2025 --xlsx kg.xlsx
"$kgkc" program import kg.xlsx --out kg.yaml
"$kgkc" audit kg.yaml --no-schedule > /dev/null

step "done: the wheel installs and runs"
