"""Write the fixture notebooks for tests/reports: one notebook per behaviour of the report runner.

Run ``python tests/reports/notebooks/make_fixtures.py`` after changing a fixture here; the notebooks are
committed without outputs, with the ``python3`` kernelspec and a ``parameters`` cell, as papermill wants.

=============  ==================================================================================
simple         prints (stdout, stderr), a DataFrame as last expression, a seaborn chart, Markdown
raises         cell 2 prints, then raises ValueError; cell 3 must not run
dies           cell 3 kills its own process with SIGKILL; cell 4 must not run
sleeps         sleeps ``seconds`` in cell 3 (job and cell timeouts)
leak           sets a notebook global, a module global, builtins, os.environ and an rcParam, after
               checking that no earlier job set them; prints its pid and random draws (isolation)
=============  ==================================================================================
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def notebook(title: str, parameters: str, *cells: str) -> nbformat.NotebookNode:
    params = new_code_cell(parameters, metadata={"tags": ["parameters"]})
    body = [new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells]
    return new_notebook(
        cells=[new_markdown_cell(f"# {title}"), params, *body],
        metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
    )


FIXTURES = {
    "simple": notebook(
        "A simple report",
        'relationship = "acme"\nn = 3',
        "import matplotlib.pyplot as plt\nimport pandas as pd\nimport seaborn as sns\n"
        "from IPython.display import Markdown, display",
        'import sys\n\nprint(f"relationship: {relationship}")\nprint("n =", n)\n'
        'print("a note on stderr", file=sys.stderr)',
        'scores = pd.DataFrame({"value_code": list("ABCDE")[:n], "score": [4.0, 3.5, 2.0, 4.5, 1.0][:n]})\n'
        "scores",
        'ax = sns.barplot(data=scores, x="value_code", y="score")\nax.set_title(relationship)\nplt.show()',
        'display(Markdown(f"**{relationship}**: {n} Value Codes scored"))',
    ),
    "raises": notebook(
        "Raises in cell 2",
        "x = 1",
        'print("before the error")\nraise ValueError(f"x must be positive, got {-x}")',
        'print("not reached")',
    ),
    "dies": notebook(
        "Dies in cell 3",
        "x = 1",
        'print("before dying")',
        "import os\nimport signal\n\nos.kill(os.getpid(), signal.SIGKILL)",
        'print("not reached")',
    ),
    "sleeps": notebook(
        "Sleeps in cell 3",
        "seconds = 0.1",
        'print("going to sleep")',
        "import time\n\ntime.sleep(seconds)",
        'print("woke up")',
    ),
    "leak": notebook(
        "Nothing of an earlier job is visible",
        'value = "a"',
        "import builtins\nimport os\nimport random\n\nimport matplotlib as mpl\nimport numpy as np\n\n"
        "import valuekit.config as c\n\n"
        'print("pid", os.getpid())\n'
        'print("numpy random:", np.random.random())\n'
        'print("random:", random.random())\n'
        'print("module global before:", getattr(c, "_leak", None))\n'
        'print("notebook global before:", globals().get("LEAKED"))\n'
        'print("builtins before:", getattr(builtins, "_valuekit_leak", None))\n'
        'print("environ before:", os.environ.get("VALUEKIT_LEAK"))\n'
        'print("rcParams before:", mpl.rcParams["lines.linewidth"])',
        "c._leak = value\nLEAKED = value\nbuiltins._valuekit_leak = value\n"
        'os.environ["VALUEKIT_LEAK"] = value\nmpl.rcParams["lines.linewidth"] = 9.0',
    ),
}


def main() -> None:
    for name, nb in FIXTURES.items():
        nbformat.validate(nb)
        nbformat.write(nb, HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
