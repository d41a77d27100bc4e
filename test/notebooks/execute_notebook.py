"""Run one notebook top to bottom on the tslab kernel and judge every code cell.

Usage: /usr/bin/python3 execute_notebook.py NOTEBOOK --output EXECUTED_COPY [--timeout SECONDS]

Rules (tslab specifics were measured with tslab 1.0.22 and nbclient 0.7):
  * A cell fails when the kernel's execute_reply has status "error". tslab sends no ename,
    evalue or traceback; the thrown error or the TypeScript diagnostics ("1:7 - Type ...")
    arrive as a stderr stream output, which is what we quote.
  * An error that escapes a cell asynchronously is printed by tslab as stderr
    "UncaughtException: ..." or "UnhandledPromiseRejection: ..." in whichever cell runs
    next; we count it as an error of that cell.
  * An "abort" reply means tslab skipped the cell without running it: always a failure.
  * A cell tagged raises-exception must error; any other cell must not.
Plain console.error output is not an error. Execution stops at the first failing cell.

Exit status: 0 all cells passed, 1 a cell failed, 2 Jupyter or the kernel could not start.
"""

import argparse
import asyncio
import os
import re
import sys
import time

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
except ImportError as e:  # the TypeScript side checks this first; this is the fallback
    print(f"Jupyter is not installed for {sys.executable}: {e}", file=sys.stderr)
    sys.exit(2)

TAG = "raises-exception"
ESCAPED = ("UncaughtException:", "UnhandledPromiseRejection:")
KERNEL_FRAME = re.compile(r"^\s+at .*(node_modules/tslab/|\(node:vm:|sigintHandlersWrap)")
# tslab cancels every request that arrives within 200 ms of a failed cell (execQueue.reset(200)),
# which nbclient would record as a silent "abort": wait that long out before the next cell.
AFTER_ERROR_PAUSE_S = 0.3


class CellFailed(Exception):
    def __init__(self, index, message):
        super().__init__(message)
        self.index = index
        self.message = message


def without_kernel_frames(text):
    """Drop stack frames inside tslab and node:vm: they are the same for every cell and teach nothing."""
    return "\n".join(line for line in text.split("\n") if not KERNEL_FRAME.search(line))


def error_text(cell):
    """The text a learner needs: stderr streams and error outputs, in order."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append("\n".join(out.get("traceback") or [f"{out.get('ename')}: {out.get('evalue')}"]))
    return without_kernel_frames("".join(parts)).rstrip() or "(the kernel printed nothing on stderr)"


def has_escaped_error(cell):
    return any(
        out.get("output_type") == "stream" and out.get("name") == "stderr"
        and any(marker in out.get("text", "") for marker in ESCAPED)
        for out in cell.get("outputs", [])
    )


def numbered(source):
    return "\n".join(f"  {n:3} | {line}" for n, line in enumerate(source.splitlines(), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--output", required=True, help="where to write the executed copy")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    ap.add_argument("--kernel", default="tslab")
    args = ap.parse_args()

    path = os.path.abspath(args.notebook)
    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    ordinal = {index: n for n, index in enumerate(code_cells, 1)}
    state = {"current": None, "executed": 0}

    def describe(index):
        cell = nb.cells[index]
        tags = cell.metadata.get("tags", [])
        return (f"cell index {index} (code cell {ordinal.get(index, '?')} of {len(code_cells)}"
                f"{', tags: ' + ', '.join(tags) if tags else ''})\n"
                f"--- source ---\n{numbered(cell.source)}\n")

    def on_cell_execute(cell, cell_index):
        state["current"] = cell_index

    async def on_cell_executed(cell, cell_index, execute_reply):
        state["executed"] += 1
        status = execute_reply["content"].get("status")
        tagged = TAG in cell.metadata.get("tags", [])
        errored = status == "error" or has_escaped_error(cell) or any(
            o.get("output_type") == "error" for o in cell.outputs)
        if status != "ok":
            await asyncio.sleep(AFTER_ERROR_PAUSE_S)
        if status == "abort":
            raise CellFailed(cell_index, f"{describe(cell_index)}--- why ---\nThe kernel aborted this "
                             "cell without running it (status 'abort').")
        if errored and not tagged:
            raise CellFailed(cell_index, f"{describe(cell_index)}--- error ---\n{error_text(cell)}\n"
                             f"(If this cell is meant to fail, tag it '{TAG}'.)")
        if tagged and not errored:
            raise CellFailed(cell_index, f"{describe(cell_index)}--- why ---\nThis cell is tagged "
                             f"'{TAG}' but ran without an error. Either it should throw, or the tag "
                             "should go.")

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,  # the hooks above judge each cell, with tslab's quirks in mind
        resources={"metadata": {"path": os.path.dirname(path)}},  # kernel cwd = notebook folder
        on_cell_execute=on_cell_execute,
        on_cell_executed=on_cell_executed,
    )

    name = os.path.relpath(path)
    started = time.monotonic()
    failure = None
    exit_code = 0
    try:
        client.execute()
    except CellFailed as e:
        failure = e.message
        exit_code = 1
    except (CellTimeoutError, DeadKernelError) as e:
        index = state["current"]
        failure = (f"{describe(index) if index is not None else ''}--- why ---\n"
                   f"{type(e).__name__}: {str(e).strip()}")
        exit_code = 1
    except Exception as e:  # kernel spec missing, kernel failed to start, ...
        print(f"FAIL {name}: could not run the '{args.kernel}' kernel: {type(e).__name__}: {e}")
        return 2
    elapsed = time.monotonic() - started

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    nbformat.write(nb, args.output)

    summary = f"{state['executed']} of {len(code_cells)} code cells executed in {elapsed:.1f}s"
    if failure:
        print(f"FAIL {name}: {summary}\n{failure}\nExecuted copy: {args.output}")
    else:
        print(f"PASS {name}: {summary}; executed copy: {args.output}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
