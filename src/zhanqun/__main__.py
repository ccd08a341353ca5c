from zhanqun.cli import main

raise SystemExit(main())
