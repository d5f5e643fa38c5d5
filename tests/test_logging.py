"""The scrubber and the log: every form of every key masked, whatever reaches a log record; nothing on stderr."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import quote, quote_plus

import pytest

from oddstui.logfile import one_line, report_crash, setup_logging
from oddstui.secret import ScrubFilter, Secret, mask_url, register_url_credentials, scrub

KEY = 'lg-7c1e+Ab/Cd=="x'
OTHER = "lg-other-0a9b8c7d6e5f"


@pytest.fixture(autouse=True, scope="module")
def keys():
    Secret(KEY), Secret(OTHER)


@pytest.mark.parametrize("form", [KEY, quote(KEY, safe=""), quote(KEY), quote_plus(KEY), json.dumps(KEY)[1:-1], OTHER])
def test_every_form_of_every_key_is_masked(form):
    assert scrub(f"before {form} after") == "before *** after"


def test_a_message_cut_inside_a_key_shows_no_piece_of_it():
    message = f"the server said: invalid key {OTHER}"
    for cut in range(len(message) - len(OTHER) + 6, len(message)):
        assert scrub(message[:cut]).endswith("***")
    assert scrub(OTHER[5:] + " was refused") == "*** was refused"


def test_values_too_short_to_be_keys_are_not_taken_for_keys():
    Secret("abc")
    assert scrub("abc abcdef") == "abc abcdef"


def test_url_credentials_are_remembered_and_masked():
    url = "https://user:pw-in-url-3141@h.example/v4?apiKey=qk-in-url-2718&sport=basketball&token=tk-5772-1566"
    register_url_credentials(url)
    assert mask_url(url) == "https://***@h.example/v4?apiKey=***&sport=basketball&token=***"
    for secret in ("pw-in-url-3141", "qk-in-url-2718", "tk-5772-1566"):
        assert scrub(f"GET {secret}") == "GET ***"
    assert scrub("basketball") == "basketball"  # an ordinary query value is not a key


def test_the_log_filter_scrubs_message_arguments_tracebacks_and_stacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logger = logging.getLogger("oddstui.test.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("connecting with %s and %r", KEY, {"key": OTHER})
        try:
            raise RuntimeError(f"refused {quote(KEY, safe='')}")
        except RuntimeError:
            logger.exception("failed", stack_info=True)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "connecting with *** and {'key': '***'}" in text and "RuntimeError: refused ***" in text
    assert "Stack (most recent call last)" in text
    assert KEY not in text and OTHER not in text and quote(KEY, safe="") not in text


def test_the_log_file_is_private_scrubbed_and_nothing_reaches_stderr(tmp_path, capsys):
    path = tmp_path / "logs" / "oddstui.log"
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        assert setup_logging(path) == path
        logging.getLogger("oddstui.providers").error("unexpected failure with %s", OTHER)
        message = report_crash(ValueError(f"bad price '1e3x' near {KEY}\n  second line"), path)
    finally:
        for handler in root.handlers[len(before) :]:
            handler.close()
            root.removeHandler(handler)
    assert capsys.readouterr().err == ""
    assert (
        message
        == f"oddstui: internal error: ValueError: bad price '1e3x' near *** second line (full traceback in {path})"
    )
    text = path.read_text()
    assert "unexpected failure with ***" in text and "Traceback" not in text.split("unhandled exception")[0]
    assert "ValueError: bad price '1e3x' near ***" in text and KEY not in text and OTHER not in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_one_line_is_short_and_single():
    line = one_line(RuntimeError("x" * 1000 + "\n" + "y"))
    assert "\n" not in line and len(line) < 250
