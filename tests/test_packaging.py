"""The wheel ships the built-in rules: build it, install it in a fresh venv, run it."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_rules_and_runs(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, timeout=300, capture_output=True)
    [wheel] = dist.glob("postlint-*.whl")
    with zipfile.ZipFile(wheel) as archive:  # the MIT licence travels with every install
        [licence] = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert "MIT License" in archive.read(licence).decode()
        assert "postlint contributors" in archive.read(licence).decode()
    env_dir = tmp_path / "venv"
    # reuse the test environment's dependencies; postlint itself comes only from the wheel
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, timeout=300, capture_output=True)
    listing = subprocess.run([env_dir / "bin" / "postlint", "rules"], capture_output=True,
                             text=True, timeout=60, cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "schedule.blackout" in listing.stdout
    explained = subprocess.run([env_dir / "bin" / "postlint", "explain", "schedule.blackout"],
                               capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert str(env_dir) in explained.stdout  # rules come from the installed wheel, not the checkout
    starter = subprocess.run([env_dir / "bin" / "postlint", "init"], capture_output=True, text=True,
                             timeout=60, cwd=tmp_path)
    assert starter.returncode == 0 and (tmp_path / ".postlint.yaml").exists()
