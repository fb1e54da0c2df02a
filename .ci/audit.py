"""Known vulnerabilities in the installed dependencies (pip-audit, PyPI's advisory data).

Fails on any finding. When the advisory data cannot be reached (a network error, or not one
package could be looked up, which pip-audit itself reports as "No known vulnerabilities"), it
says so and skips instead of passing in silence.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        result = subprocess.run(  # noqa: S603 (our own venv's pip-audit, fixed arguments)
            [
                str(BIN / "pip-audit"),
                "--skip-editable",  # liverqa itself is not on PyPI
                "--progress-spinner=off",
                "--format=json",
                f"--output={report}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        dependencies = json.loads(report.read_text())["dependencies"] if report.exists() else []
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln["fix_versions"]) or "no fixed release yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    audited = [d for d in dependencies if "skip_reason" not in d]
    if result.returncode != 0 and not dependencies:
        if any(sign in result.stderr for sign in UNREACHABLE):
            print("pip-audit: SKIPPED, the advisory service could not be reached.")
            return 0
        print(result.stderr, file=sys.stderr)
        return result.returncode
    if not audited:
        print(
            f"pip-audit: SKIPPED, none of the {len(dependencies)} installed packages could be "
            "looked up in the advisory data (an index without PyPI's JSON API?)."
        )
        return 0
    skipped = len(dependencies) - len(audited)
    print(
        f"pip-audit: {len(audited)} packages audited, no known vulnerabilities ({skipped} skipped)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
