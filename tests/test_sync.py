"""The package modules generated from the chapters' # @save cells are up to date."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_package_matches_chapters():
    result = subprocess.run(
        [sys.executable, "tools/sync_package.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
