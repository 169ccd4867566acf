"""Write README.md from nbs/index.ipynb (nbdev_readme needs Quarto, which this project does not require).

Markdown cells are copied; code cells become ```python blocks followed by their printed output; cells marked
`#| hide` are left out. Image links relative to nbs/ are rewritten relative to the repository root. `python tools/make_readme.py --check` exits 1 when README.md is out of date."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def render(nb_path=ROOT/'nbs'/'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for cell in nb['cells']:
        src = ''.join(cell['source']).strip()
        if not src or src.startswith('#| hide'): continue
        if cell['cell_type'] == 'markdown':
            src = src.replace('](images/', '](nbs/images/')                       # images live next to the notebooks
            parts.append(re.sub(r'\]\((\w+\.ipynb)\)', r'](nbs/\1)', src))          # and so do the notebooks
        elif cell['cell_type'] == 'code':
            if parts and parts[-1].startswith('```python\n'): parts[-1] = parts[-1][:-4] + f"\n\n{src}\n```"   # an import cell and its code read as one block
            else: parts.append(f"```python\n{src}\n```")
            out = ''.join(''.join(o.get('text', '')) for o in cell.get('outputs', []) if o.get('output_type') == 'stream').rstrip()
            if out: parts.append(f"```\n{out}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, readme = render(), ROOT/'README.md'
    if '--check' in sys.argv:
        ok = readme.exists() and readme.read_text(encoding='utf-8') == text
        print('README.md is up to date' if ok else 'README.md is out of date: run python tools/make_readme.py')
        sys.exit(0 if ok else 1)
    readme.write_text(text, encoding='utf-8')
    print(f'wrote {readme}')
