"""Demo data written once per test session (generation takes about two seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fou_analysis import demo

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo_project")
    demo.write_demo(root)
    return root


@pytest.fixture(scope="session")
def raw(demo_root: Path) -> Path:
    return demo_root / "data" / "raw"
