from essay_sample.server import main

raise SystemExit(main())
