"""Execute notebooks in place at a scale and keep their outputs: `python tools/execute_nb.py --scale cpu nbs/20_*.ipynb`.

How the committed outputs of the notebooks are made, with the project's one notebook executor
(`stir_ft.reproduce.execute_notebook`, notebook 15: printed output, figures as PNG, Markdown displays, `#| gpu` cells
only where CUDA is, progress bars silenced). Each notebook runs in its own folder, with `STIR_FT_SCALE` set, results in
`--results` (default nbs/results, git-ignored; `$STIR_FT_RESULTS` for the notebook) and CIFAR arrays from `--arrays`
(`$STIR_FT_ARRAYS`). A notebook with an error is not written (the first error is printed); `--keep-going` runs every
cell anyway (to fill the results store). `--budget` stops before the next cell once that many seconds have passed.
"""
import argparse, io, os, sys, tempfile, time
from pathlib import Path

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+', type=Path)
    p.add_argument('--scale', required=True, help='smoke, cpu, gpu, offline or paper ($STIR_FT_SCALE of the notebooks)')
    p.add_argument('--results', type=Path, default=Path('nbs/results'), help='results folder ($STIR_FT_RESULTS)')
    p.add_argument('--arrays', type=Path, default=None, help='CIFAR array file (.npz; $STIR_FT_ARRAYS)')
    p.add_argument('--keep-going', action='store_true', help='run every cell even after an error (to fill the results store)')
    p.add_argument('--budget', type=float, default=None, help='seconds for all the notebooks; no new cell starts after that')
    a = p.parse_args(argv)
    os.environ['STIR_FT_SCALE'] = a.scale
    os.environ['STIR_FT_RESULTS'] = str(a.results.resolve())
    if a.arrays is not None: os.environ['STIR_FT_ARRAYS'] = str(a.arrays.resolve())
    os.environ.pop('IN_TEST', None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))     # the checkout's package
    from stir_ft.reproduce import execute_notebook
    deadline, failed = None if a.budget is None else time.time() + a.budget, 0
    for nb in a.notebooks:
        nb = nb.resolve()
        with tempfile.TemporaryDirectory() as tmp:
            r = execute_notebook(nb, Path(tmp)/nb.name, deadline=deadline, log=io.StringIO(), keep_going=a.keep_going)
            if r['status'] == 'done': os.replace(Path(tmp)/nb.name, nb)
        print(f"{nb.name}: scale {a.scale}, {r['status']}, {r['cells']} cells, {r['seconds']:.0f} s"
              + (f", not written; first error: {r['error'][:300]}" if r['status'] != 'done' else ''), flush=True)
        failed += r['status'] != 'done'
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
