"""`python -m oddstui`: Ctrl+C even while the command line is being imported ends with 130 and no traceback."""

from __future__ import annotations

import _thread
import sys
import time


def _interrupt_again(unraisable: sys.UnraisableHookArgs) -> None:
    """Python reports an exception raised in a finalizer (a weakref callback of the import system, a `__del__`)
    as 'Exception ignored' and goes on: for a KeyboardInterrupt that would drop the user's Ctrl+C."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        # Interrupt again from another thread a moment later: done here, the handler would raise in this hook.
        _thread.start_new_thread(_interrupt_soon, ())
    else:
        sys.__unraisablehook__(unraisable)


def _interrupt_soon() -> None:
    time.sleep(0.001)
    _thread.interrupt_main()


try:
    sys.unraisablehook = _interrupt_again
    from oddstui.cli import main
except KeyboardInterrupt:
    raise SystemExit(130) from None
except RuntimeError as exc:  # Ctrl+C while a class was being made (a __set_name__ hook) comes wrapped
    if isinstance(exc.__cause__, KeyboardInterrupt):
        raise SystemExit(130) from None
    raise

raise SystemExit(main())
