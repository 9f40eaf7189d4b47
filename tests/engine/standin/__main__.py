"""`python -m tests.engine.standin <package> <engine address>`: what the wrapper scripts on PATH run.

The fake cloud's module is loaded without running `components/__init__.py`: that imports the component and
its provider SDKs, seconds of CPU per plugin start, and the engine starts three plugins per operation.
"""

import sys
import types
from pathlib import Path

_components = types.ModuleType("components")
_components.__path__ = [str(Path(__file__).resolve().parents[3] / "components")]
sys.modules.setdefault("components", _components)

from tests.engine.standin.provider import main  # noqa: E402

main()
