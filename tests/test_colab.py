"""Every notebook opens in Colab: a badge that points at itself in the repository settings.ini names, and a first
code cell that installs the package from that repository (in Colab only) and needs nothing of the dev extras."""
import json
from pathlib import Path
import pytest
from nbdev.config import get_config

NBS = Path(__file__).resolve().parent.parent/'nbs'
NOTEBOOKS = sorted(p for p in NBS.glob('*.ipynb') if not p.name.startswith(('_', '.')) and p.name != 'index.ipynb')
DEV_ONLY = ('nbdev', 'pytest', 'execnb')

def cells(nb): return json.loads(nb.read_text(encoding='utf-8'))['cells']

@pytest.mark.parametrize('nb', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_opens_in_colab(nb):
    cfg = get_config(path=NBS)
    cs = cells(nb)
    badge = f'colab.research.google.com/github/{cfg.user}/{cfg.repo}/blob/{cfg.branch}/nbs/{nb.name}'
    assert any(badge in ''.join(c['source']) for c in cs[:4] if c['cell_type'] == 'markdown'), f'{nb.name}: no Colab badge to {badge}'
    code = [''.join(c['source']) for c in cs if c['cell_type'] == 'code']
    first = next(s for s in code if not s.lstrip().startswith('#| default_exp'))
    assert 'google.colab' in first and 'pip' in first and f'github.com/{cfg.user}/{cfg.repo}' in first, \
        f'{nb.name}: the first code cell should install the package in Colab, got {first[:120]!r}'
    for s in code:
        for mod in DEV_ONLY:
            assert f'import {mod}' not in s and f'from {mod}' not in s, f'{nb.name}: imports {mod}, which a Colab install lacks'
