"""Packaging hook: the default layouts live at the top level (layouts/), where
designers find them, and are copied into the package when it is built so an
installed `newsroom` finds them for any site."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithLayouts(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "layouts"
        target = Path(self.build_lib) / "generator" / "layouts"
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithLayouts})
