#!/usr/bin/python3
"""Run code cells through the real svlab kernel (nbclient, started like a front end starts it)
and print each cell's outputs as JSON — for tests of what a notebook user sees.

Usage: run-cells.py [--timeout S] < cells.json      (a JSON list of cell sources)
Prints {"cells": [{"outputs": [...], "reply": {...execute_reply content}, "failure": "..."}, ...]}
where "failure" is what nbclient (and so nbconvert and scripts/run_notebooks.py) reports for a
failing cell. Errors in cells are recorded, not raised (allow_errors), so later cells still run.
Cells are sent 0.5 s apart: after a failure tslab drops requests arriving within 200 ms (its
stop-on-error), which a person re-running cells never hits but a script would.
"""
import asyncio
import argparse
import json
import os
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


class SpacedClient(NotebookClient):
    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        await asyncio.sleep(0.5)
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    ap.add_argument("--kernel", default="svlab")
    args = ap.parse_args()
    os.environ.setdefault("JUPYTER_PATH", str(ROOT / ".jupyter" / "share" / "jupyter"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in json.load(sys.stdin)]
    with tempfile.TemporaryDirectory() as cwd:  # a notebook folder outside the project, like a user's
        replies = {}
        client = SpacedClient(nb, timeout=args.timeout, allow_errors=True, kernel_name=args.kernel,
                              resources={"metadata": {"path": cwd}},
                              on_cell_executed=lambda cell, cell_index, execute_reply: replies.__setitem__(cell_index, execute_reply["content"]))
        client.execute()
    cells = []
    for i, c in enumerate(nb.cells):
        reply = replies.get(i, {})
        failure = str(CellExecutionError.from_cell_and_msg(c, reply)) if reply.get("status") == "error" else None
        cells.append({"outputs": c.get("outputs", []), "reply": reply, "failure": failure})
    json.dump({"cells": cells}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
