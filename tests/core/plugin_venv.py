"""A throw-away virtual environment with the portal, into which a plugin is pip-installed the
way a department installs it: offline and fast. The venv sees the running test environment's
packages (Flask, peewee, WeasyPrint, pytest …) through a .pth file, gets this checkout of the
portal installed editable (its entry points, the ``portal`` command), and pip builds the plugin
with the setuptools already there (``--no-build-isolation``, ``--no-index``)."""
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Venv:
    def __init__(self, path: Path):
        self.path = path
        self.python = path / "bin" / "python"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
        site = Path(subprocess.run([str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
        # after the venv's own site-packages: the test environment's, for the portal's dependencies
        (site / "zz_portal_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        self.pip_install("-e", str(ROOT))

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST")}
        return {**env, "PATH": f"{self.path / 'bin'}:{env.get('PATH', '')}"}

    def pip_install(self, *args):
        self.run(sys.executable, "-m", "pip", "--python", str(self.python), "install", "-q", "--no-deps", "--no-index",
                 "--no-build-isolation", *args)

    def run(self, *command, cwd=None, timeout=600):
        result = subprocess.run([str(c) for c in command], cwd=cwd, env=self.env, capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, f"{command} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        return result

    def pytest(self, project: Path):
        """The project's own tests, with the venv's pytest (and the portal's fixtures)."""
        return self.run(self.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", cwd=project)
