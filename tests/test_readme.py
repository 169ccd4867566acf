"""README.md is kept in step with nbs/index.ipynb (tools/make_readme.py writes it)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_readme_matches_index():
    spec = importlib.util.spec_from_file_location('make_readme', ROOT/'tools'/'make_readme.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    assert (ROOT/'README.md').read_text(encoding='utf-8') == mod.render(), 'README.md is out of date: run python tools/make_readme.py'
