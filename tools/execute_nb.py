"""Execute notebooks in place at a scale and keep their outputs: `python tools/execute_nb.py --scale cpu nbs/20_*.ipynb`.

How the section notebooks' committed outputs are made. Each notebook runs in its own folder (as Jupyter would), with
`STIR_FT_SCALE` set, results in `--results` (default nbs/results, git-ignored; `$STIR_FT_RESULTS` for the notebook) and
CIFAR arrays from `--arrays` (`$STIR_FT_ARRAYS`). Cells flagged `#| gpu` run only where CUDA is available. The run stops
at the first error (the notebook is not written then) and prints each notebook's wall time. Progress bars are
silenced (they would land in the outputs).
"""
import argparse, os, sys, time
from pathlib import Path

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='+', type=Path)
    p.add_argument('--scale', required=True)
    p.add_argument('--results', type=Path, default=Path('nbs/results'))
    p.add_argument('--arrays', type=Path, default=None, help='CIFAR array file (.npz), e.g. ../shared/data/cifar_prefix.npz')
    p.add_argument('--keep-going', action='store_true', help='run every cell even after an error (to fill the results store)')
    a = p.parse_args(argv)
    os.environ['STIR_FT_SCALE'] = a.scale
    os.environ['STIR_FT_RESULTS'] = str(a.results.resolve())
    if a.arrays is not None: os.environ['STIR_FT_ARRAYS'] = str(a.arrays.resolve())
    os.environ.pop('IN_TEST', None)
    import tqdm.auto, tqdm.std
    class Quiet(tqdm.std.tqdm):            # progress bars are for people watching, not for committed outputs
        def __init__(self, *args, **kwargs): kwargs['disable'] = True; super().__init__(*args, **kwargs)
    tqdm.auto.tqdm = Quiet
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    import torch
    gpu_cell = lambda src: any(l.strip() == '#| gpu' for l in src.splitlines())     # a directive line, not the text anywhere
    skip = lambda cell: cell.cell_type == 'code' and gpu_cell(cell.source) and not torch.cuda.is_available()
    for nb_path in a.notebooks:
        nb_path = nb_path.resolve()
        t0, cwd = time.time(), os.getcwd()
        os.chdir(nb_path.parent)
        try:
            nb = read_nb(nb_path)
            shell = CaptureShell(path=nb_path.parent, mpl_format='png')
            shell.run_all(nb, exc_stop=not a.keep_going, preproc=skip)
        finally: os.chdir(cwd)
        errors = [c for c in nb.cells if any(o.get('output_type') == 'error' for o in c.get('outputs', []))]
        if errors:
            print(f"{nb_path.name}: {len(errors)} cell(s) failed, not written; first:\n{errors[0].source[:300]}", flush=True)
            continue
        write_nb(nb, nb_path)
        print(f"{nb_path.name}: scale {a.scale}, {time.time() - t0:.0f} s", flush=True)

if __name__ == '__main__': main()
