"""Rules, storage and drivers work without the user interface."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

from tests.support import REPO

CORE_PACKAGES = ("kiosk.services", "kiosk.store", "kiosk.badges", "drivers")


def _core_modules() -> list[str]:
    names = []
    for package in CORE_PACKAGES:
        path = REPO / package.replace(".", "/")
        names.append(package)
        for module in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
            if ".migrations" not in module.name:
                names.append(module.name)
    return names


def test_core_never_imports_textual():
    modules = _core_modules()
    assert len(modules) > 40
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "ui = ('textual', 'kiosk.ui')\n"
        "loaded = [m for m in sys.modules if m in ui or m.startswith(ui)]\n"
        "print(','.join(sorted(loaded)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == ""
