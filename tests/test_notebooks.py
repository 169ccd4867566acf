"""Run every notebook in nbs/ as one pytest test, the way `nbdev_test` does (cells flagged with
`tst_flags` in settings.ini, i.e. `#| gpu`, are skipped; nothing else is). Each notebook gets a fresh temporary
results folder (`$STIR_FT_RESULTS`) and reads no stored results (`$STIR_FT_STORED` empty), so no old result can
make a test pass; `stir_ft.testing.fresh_results()` does the same for a notebook run by hand with `nbdev_test`."""
from pathlib import Path
import os, pytest
import torch
from nbdev.config import get_config
import nbdev.test as nbdev_test   # not `from ... import test_nb`: pytest would collect it

NBS = Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')))

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb, tmp_path, monkeypatch):
    flags = get_config(path=NBS).get('tst_flags', '').split()
    os.environ.setdefault('MPLBACKEND', 'Agg')
    monkeypatch.setenv('STIR_FT_RESULTS', str(tmp_path/'results'))    # a fresh results store for this notebook
    monkeypatch.setenv('STIR_FT_STORED', '')                           # empty: no stored results are read
    threads = torch.get_num_threads()         # a notebook that sets torch's threads must not change the next one's numbers
    try: ok, secs = nbdev_test.test_nb(nb, skip_flags=flags, basepath=NBS.parent)
    finally: torch.set_num_threads(threads)
    assert ok, f'{nb.name} failed (its traceback is printed above)'
