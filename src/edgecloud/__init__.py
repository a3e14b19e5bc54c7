"""edgecloud: the shared package of the edge–cloud LLM serving research workspace.

Notebooks stay thin and call into this package; the runner (`python -m edgecloud run`) executes
them with papermill. See README.md.
"""

__version__ = "0.1.0"

import os as _os
import warnings as _warnings

# Progress bars of model loading are noise in executed notebooks, logs and nbval; stages print their own progress.
_os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
_warnings.filterwarnings("ignore", message="IProgress not found")
