"""Entry point of the ``stadtkarte`` command: wires the ETL (``build``) and the dashboard (``serve``)."""
