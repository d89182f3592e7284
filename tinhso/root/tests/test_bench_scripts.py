"""The benchmarks under bench/ name only what the platform still has: a rename in the
code must not leave a bench that fails at its first import."""

import ast
import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _imports(script: Path):
    for node in ast.walk(ast.parse(script.read_text(), filename=str(script))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tinhso"):
            yield node.module, [alias.name for alias in node.names]


@pytest.mark.parametrize("script", sorted(BENCH.rglob("*.py")), ids=lambda p: p.name)
def test_every_name_a_bench_imports_from_the_platform_exists(script):
    for module, names in _imports(script):
        loaded = importlib.import_module(module)
        missing = [
            n
            for n in names
            if not hasattr(loaded, n)
            and not (hasattr(loaded, "__path__") and importlib.util.find_spec(f"{module}.{n}"))
        ]
        assert not missing, f"{script.name}: {module} has no {missing}"
