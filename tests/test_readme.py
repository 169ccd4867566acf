"""README.md is kept in step with nbs/index.ipynb (tools/make_readme.py writes it), and its "In five lines" are five
lines (in "How to use") that print what the README shows."""
import importlib.util, re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def test_readme_matches_index():
    spec = importlib.util.spec_from_file_location('make_readme', ROOT/'tools'/'make_readme.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    assert (ROOT/'README.md').read_text(encoding='utf-8') == mod.render(), 'README.md is out of date: run python tools/make_readme.py'

def test_five_lines_print_what_the_readme_shows():
    section = (ROOT/'README.md').read_text(encoding='utf-8').split('\n## How to use\n', 1)[1].split('\n## ', 1)[0]
    found = re.search(r'```python\n(.*?)```\s*```\n(.*?)```', section, re.S)
    assert found, 'the "How to use" section has no python block followed by its output'
    code, shown = found.groups()
    lines = [l for l in code.splitlines() if l.strip()]
    assert len(lines) == 5, f'the five lines of "How to use" are {len(lines)} lines'
    run = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip() == shown.rstrip(), f'the five lines print\n{run.stdout}\nbut the README shows\n{shown}'
