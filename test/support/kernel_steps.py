#!/usr/bin/python3
"""Drive the registered svlab kernel through steps, as a front end would (nbclient, kernel started
in notebooks/), with file edits between cells. Reads JSON steps on stdin:
  {"cell": "code"}                      execute a cell
  {"write": "path", "text": "..."}      write a file (relative to the project root), atomically by rename
  {"sleep": seconds}
Prints JSON: one entry per cell with its reply status and outputs (stream text, display mimes)."""
import json, os, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
steps = json.load(sys.stdin)
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "svlab", "display_name": "TypeScript (svlab)", "language": "typescript"}
client = NotebookClient(nb, timeout=300, allow_errors=False, resources={"metadata": {"path": os.path.join(root, "notebooks")}})
results = []
with client.setup_kernel():
    for step in steps:
        if "write" in step:
            path = os.path.join(root, step["write"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                f.write(step["text"])
            os.replace(tmp, path)  # how many editors save
        elif "sleep" in step:
            time.sleep(step["sleep"])
        elif "cell" in step:
            cell = nbformat.v4.new_code_cell(step["cell"])
            nb.cells.append(cell)
            try:
                client.execute_cell(cell, len(nb.cells) - 1)
                status = "ok"
            except CellExecutionError:
                status = "error"
            results.append({
                "status": status,
                "stdout": "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout"),
                "stderr": "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr"),
                "mimes": [sorted(o.get("data", {}).keys()) for o in cell.outputs if o.output_type == "display_data"],
            })
print(json.dumps(results))
