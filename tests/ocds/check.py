"""Validates an OCDS release package with the Open Contracting validator (libcoveocds),
offline, and fails on any validation error or any value outside a closed codelist.

Usage: check.py STANDARD_ZIP OCDS_JSON
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

standard_zip, package = sys.argv[1], sys.argv[2]
venv_bin = Path(sys.executable).parent
with tempfile.TemporaryDirectory() as tmp:
    result = subprocess.run(
        [str(venv_bin / "libcoveocds"), "--standard-zip", standard_zip, "--output-dir", tmp, "--delete", package],
        capture_output=True,
        text=True,
    )
if result.returncode != 0:
    sys.exit(f"libcoveocds failed:\n{result.stderr}")
report = json.loads(result.stdout)
problems = []
for error in report.get("validation_errors", []):
    problems.append(f"validation error: {error}")
for path, info in (report.get("additional_closed_codelist_values") or {}).items():
    problems.append(f"unknown closed-codelist value at {path}: {info.get('values')}")
releases = json.load(open(package, encoding="utf-8"))["releases"]
if not releases:
    problems.append("the package has no releases")
if problems:
    sys.exit("\n".join(problems))
open_values = {p: i.get("values") for p, i in (report.get("additional_open_codelist_values") or {}).items()}
print(f"OCDS: {len(releases)} releases, schema {report.get('version_used')}, no validation errors, "
      f"no unknown closed-codelist values; additional open-codelist values: {open_values}")
