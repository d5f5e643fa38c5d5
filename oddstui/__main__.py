"""`python -m oddstui`: Ctrl+C even while the command line is being imported ends with 130 and no traceback."""

try:
    from oddstui.cli import main
except KeyboardInterrupt:
    raise SystemExit(130) from None

raise SystemExit(main())
