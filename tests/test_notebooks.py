"""Run every notebook in nbs/ as one pytest test, the way `nbdev_test` does (cells flagged with
`tst_flags` in settings.ini, i.e. `#| gpu`, are skipped; nothing else is)."""
from pathlib import Path
import os, pytest
from nbdev.config import get_config
import nbdev.test as nbdev_test   # not `from ... import test_nb`: pytest would collect it

NBS = Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb):
    flags = get_config(path=NBS).get('tst_flags', '').split()
    os.environ.setdefault('MPLBACKEND', 'Agg')
    ok, secs = nbdev_test.test_nb(nb, skip_flags=flags, basepath=NBS.parent)
    assert ok, f'{nb.name} failed (its traceback is printed above)'
