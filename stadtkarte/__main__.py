from stadtkarte.cli import main

raise SystemExit(main())
