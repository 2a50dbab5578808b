"""The analysis package stands alone: importing it loads neither Dash nor Flask."""

from __future__ import annotations

import subprocess
import sys


def test_analysis_imports_without_dash_or_flask():
    code = "import analysis, sys; assert 'dash' not in sys.modules and 'flask' not in sys.modules, sorted(sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_analysis_imports_nothing_of_the_web_app():
    code = "import analysis, sys; bad = [m for m in sys.modules if m.split('.')[0] in ('dashboard', 'etl', 'stadtkarte')]; assert not bad, bad"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
