"""`python -m bot.cli`: the same as the `ocop-bot` command."""

from bot.cli import main

raise SystemExit(main())
