"""Every notebook opens in Colab: a badge that points at itself in the repository settings.ini names, and a first
code cell that installs the package from that repository (in Colab only) and needs nothing of the dev extras."""
import ast, json
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
        bad = unguarded_imports(s)
        assert not bad, f'{nb.name}: imports {bad}, which a Colab install lacks (guard it with try/except ImportError)'

def unguarded_imports(src: str) -> list:
    "Dev-only modules imported by `src` outside a `try` whose handler catches ImportError."
    try: tree = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!'))))
    except SyntaxError: return []
    guarded = set()
    for t in ast.walk(tree):
        if isinstance(t, ast.Try) and any(h.type is None or 'ImportError' in ast.unparse(h.type) for h in t.handlers):
            guarded |= {id(n) for n in ast.walk(t)}
    names = lambda n: [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or '']
    return [m for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in guarded
            for m in names(n) if m.split('.')[0] in DEV_ONLY]

def test_unguarded_imports():
    assert unguarded_imports('import nbdev') == ['nbdev']
    assert unguarded_imports('from nbdev.showdoc import show_doc') == ['nbdev.showdoc']
    assert unguarded_imports('try: from nbdev.showdoc import show_doc\nexcept ImportError: show_doc = None') == []
    assert unguarded_imports('import numpy, pytest') == ['pytest']
