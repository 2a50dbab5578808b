"""Plain helpers shared by several test packages: functions and constants, no tests, no fixtures.

Fixtures live in ``conftest.py`` files (the cross-package ones in ``tests/conftest.py``). No test
module and no conftest imports another test module or a conftest; everything shared comes from
here (``tests/stadtkarte/test_test_layout.py`` checks it).
"""
