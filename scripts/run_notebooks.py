#!/usr/bin/python3
"""Execute svlab notebooks headlessly with the real svlab kernel, started the way front ends start it.

Like Jupyter Notebook, JupyterLab, VS Code and nbconvert, this starts the kernel named in the
notebook's metadata ("svlab") in the notebook's own folder; the kernel itself moves to the project
root (bin/svlab-kernel.cjs), so a notebook that runs here runs in every front end.

Usage: run_notebooks.py [--timeout S] NOTEBOOK...
Writes the executed notebook next to the source as NAME.out.ipynb (git-ignored): committed
notebooks carry no outputs, since outputs could show respondent rows.
Exit code 1 when any cell fails; the failing cell's source and error are printed.
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = ap.parse_args()
    os.environ.setdefault("JUPYTER_PATH", str(ROOT / ".jupyter" / "share" / "jupyter"))
    failed = 0
    for p in args.notebooks:
        path = pathlib.Path(p)
        t = time.time()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=args.timeout,
            allow_errors=False,
            resources={"metadata": {"path": str(path.resolve().parent)}},
        )
        try:
            client.execute()
            status = "ok"
        except CellExecutionError as e:
            failed += 1
            status = "FAILED"
            print(f"{path}: cell failed\n{e}", file=sys.stderr)
        except Exception as e:  # kernel died, timeout, …
            failed += 1
            status = "FAILED"
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
        finally:
            out = path.with_name(path.stem + ".out.ipynb")
            nbformat.write(nb, out)
        print(f"{path}: {status} in {time.time() - t:.1f}s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
