"""Provider clients: each turns one provider's wire protocol into normalized events for the store."""

import sys

# httpx imports its own command-line client (click, pygments and half of rich) whenever those are
# installed, as they are here: 40 ms of CPU at every start, a sixth of a short `oddstui tail`.
# oddstui never runs httpx's CLI, and httpx falls back to a stub when the import fails, so the
# module is marked absent before httpx is first imported. Upstream moved it to a lazy import
# (pydantic/httpx2#947); the `httpx` command itself is unaffected (it runs in its own process).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
