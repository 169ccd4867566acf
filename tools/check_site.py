"""Check what the docs site will show, from the committed notebooks: `python tools/check_site.py [NOTEBOOK ...]`.

Fails (exit 1, one line per problem: notebook, cell number and id, what is wrong, how to fix it) on
- a raw pipe table in a committed output (Markdown printed as text: the site shows the pipes);
- a `$` in prose that would break the math (an odd number of unescaped `$` in a paragraph, or a "math" span that is
  really a sentence: two dollar amounts pair up);
- a local path (`/work/`, `/tmp/`, `/home/`, `../shared`) in prose or in a committed output;
- a visible code cell that prints or displays but has no committed output (`#| gpu` cells and the cells of
  `ALLOWED_EMPTY` excepted).
Run by tools/check_docs.sh (and so by CI). With no arguments it checks every notebook of nbs/.
"""
import ast, json, re, sys
from pathlib import Path

NBS = Path(__file__).resolve().parent.parent/'nbs'

# Visible cells that may print yet are committed without output: (notebook, cell id) -> the reason.
ALLOWED_EMPTY: dict[tuple[str, str], str] = {
}

LOCAL_PATH = re.compile(r'(?<![\w.])(/work/|/tmp/|/home/|\.\./shared\b)')
PIPE_SEP = re.compile(r'^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$', re.M)
SHOWS = re.compile(r'\b(print|display|Markdown|HTML|plt\.show|imshow)\s*\(')


def _text(o: dict) -> str:
    "The text of an output: its stream text or its text/plain, text/markdown and text/html data."
    if 'text' in o: return ''.join(o['text'])
    data = o.get('data', {})
    return ''.join(''.join(data.get(k, '')) for k in ('text/plain', 'text/markdown', 'text/html'))


def _directives(src: str) -> dict:
    "The cell's `#| key: value` lines as a dict (`#| hide` gives {'hide': ''})."
    d = {}
    for line in src.splitlines():
        m = re.match(r'\s*#\|\s*([\w-]+):?\s*(.*)', line)
        if m: d[m.group(1)] = m.group(2).strip()
    return d


def _prose(src: str) -> str:
    "Markdown without fenced code blocks and inline code spans (where `$` and paths are literal)."
    src = re.sub(r'^(```|~~~).*?^\1', '', src, flags=re.S | re.M)
    return re.sub(r'(`+)(?!`).*?(?<!`)\1(?!`)', '', src, flags=re.S)


def dollar_problems(md: str) -> list[str]:
    "Stray `$` in a markdown cell, paragraph by paragraph (display math `$$...$$` left aside)."
    bad = []
    for para in re.split(r'\n\s*\n', _prose(md)):
        para = re.sub(r'\$\$.+?\$\$', ' ', para, flags=re.S)
        signs = [m.start() for m in re.finditer(r'(?<!\\)\$', para)]
        if len(signs) % 2:
            bad.append(f"odd number of $ in the paragraph starting {para.strip()[:50]!r}: escape a literal dollar as \\$")
            continue
        for a, b in zip(signs[::2], signs[1::2]):
            span = para[a + 1:b]
            plain = re.sub(r'\\(text|mathrm|operatorname|textrm|mbox)\{[^}]*\}', '', span)
            if re.search(r'[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}', plain) or span[:1].isspace():
                bad.append(f"${span[:40]}...$ reads as math but is prose: escape the literal dollars as \\$")
    return bad


def _only_show_doc(tree: ast.Module) -> bool:
    "A cell of `show_doc(...)` calls only: nbdev renders those itself when it builds the site."
    return all(isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)
               and getattr(s.value.func, 'id', '') == 'show_doc' for s in tree.body)


def _call_name(node) -> str:
    f = node.func
    return getattr(f, 'id', None) or getattr(f, 'attr', '')


def shows_something(src: str) -> bool:
    """Whether a code cell prints or displays when it runs: a statement outside any `def` or `class` calls print,
    display, a plot or show function, or the last statement is a bare expression whose value Jupyter shows."""
    code = '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('#|', '%', '!')))
    try: tree = ast.parse(code)
    except SyntaxError: return bool(SHOWS.search(code))
    if not tree.body or _only_show_doc(tree): return False
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and SHOW_CALL.fullmatch(_call_name(node)): return True
    last = tree.body[-1]
    if not isinstance(last, ast.Expr) or code.rstrip().endswith(';'): return False
    if isinstance(last.value, ast.Call):       # test_eq(...), f.write(...): called for their effect, not their value
        name = _call_name(last.value)
        return not (name.startswith(('test', 'assert')) or name in NONE_RETURNING)
    return not isinstance(last.value, ast.Constant)


SHOW_CALL = re.compile(r'print|display|show|imshow|Markdown|HTML|plot\w*|\w+_figure|show_\w+')
NONE_RETURNING = {'seed_everything', 'manual_seed', 'write_text', 'mkdir', 'unlink', 'close', 'update', 'append',
                  'extend', 'setattr', 'sleep', 'rmtree', 'savefig', 'tight_layout', 'set_title', 'clear', 'main',
                  'run', 'join', 'wait', 'start', 'filterwarnings', 'simplefilter', 'cleanup', 'touch', 'save',
                  'nbdev_export', 'use', 'warn', 'chdir', 'setenv', 'pop', 'remove', 'insert', 'add'}


def check(path: Path) -> list[str]:
    nb, problems = json.loads(path.read_text()), []
    for i, c in enumerate(nb['cells']):
        src, where = ''.join(c['source']), f"{path.name} cell {i} ({c.get('id')})"
        if c['cell_type'] == 'markdown':
            problems += [f"{where}: {p}" for p in dollar_problems(src)]
            if m := LOCAL_PATH.search(_prose(src)):
                problems.append(f"{where}: prose names a local path ({m.group(1)}...): say it in the user's terms")
            continue
        if c['cell_type'] != 'code': continue
        outs = c.get('outputs', [])
        for o in outs:
            t = _text(o)
            if o.get('output_type') == 'stream' or 'text/markdown' not in o.get('data', {}):
                if PIPE_SEP.search(t) and 'text/html' not in o.get('data', {}):
                    problems.append(f"{where}: a pipe table printed as text: show it with "
                                    "IPython.display.Markdown (or as a DataFrame) and run the cell again")
                    break
        for o in outs:
            if m := LOCAL_PATH.search(_text(o)):
                problems.append(f"{where}: the output names a local path ({m.group(1)}...): print a path relative "
                                "to the notebook or the results folder, and run the cell again")
                break
        d = _directives(src)
        hidden = {'hide', 'exporti'} & d.keys() or d.get('echo') == 'false' or d.get('include') == 'false' \
            or d.get('eval') == 'false' or 'gpu' in d
        if not outs and not hidden and shows_something(src) and (path.name, c.get('id')) not in ALLOWED_EMPTY:
            problems.append(f"{where}: a visible cell that prints or displays has no committed output: "
                            "run the notebook (tools/execute_nb.py) and commit its outputs")
    return problems


def main(argv=None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or sorted(NBS.glob('*.ipynb'))
    problems = [p for path in paths for p in check(path)]
    for p in problems: print(p)
    print(f"check_site: {len(paths)} notebooks, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__': sys.exit(main())
