"""Hypothesis strategies for hostile frames: doc examples mutated, values of every wrong type, broken bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import msgpack
from hypothesis import strategies as st

WEIRD_STRINGS = [
    "",
    " ",
    "150.5",
    "1e3",
    "-0",
    "NaN",
    "Infinity",
    "-230",
    "+150",
    "0x1F",
    "1_000",
    "\x00",
    "\x1b[2J",
    "é" * 3,
    "\ud800",
    "9" * 400,
    "2024-13-45T99:99:99Z",
    "1730079534820-2",
    "999999999999999999999-0",
    "a-b",
    "-1--1",
]
WEIRD_NUMBERS = [0, -0.0, 1, -1, 100, -100, 99, -99, 1.0001, 10**30, -(10**30), 2**63, -(2**63) - 1, 1e308, -1e-308]
WEIRD_FLOATS = [math.nan, math.inf, -math.inf]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(WEIRD_NUMBERS),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(WEIRD_STRINGS),
    st.text(max_size=20),
)
"""JSON scalars a lying server might send in any field (NaN and infinities are added where the format allows)."""

json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) into a decoded JSON document, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replace_at(document: Any, path: tuple, new: Any, delete: bool = False) -> Any:
    """A copy of `document` with the value at `path` replaced (or deleted, where a container holds it)."""
    if not path:
        return new
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    if rest:
        copy[head] = replace_at(copy[head], tuple(rest), new, delete)
    elif delete:
        del copy[head]
    else:
        copy[head] = new
    return copy


@st.composite
def mutated(draw: st.DrawFn, seed: Any, extra: st.SearchStrategy = json_values) -> Any:
    """`seed` with one to four values replaced by something of another type, removed, or wrapped deeply."""
    document = seed
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(document)))
        action = draw(st.sampled_from(["replace", "replace", "delete", "wrap", "swap"]))
        if action == "delete" and where:
            document = replace_at(document, where, None, delete=True)
        elif action == "wrap":
            depth = draw(st.sampled_from([1, 2, 50]))
            value = _value_at(document, where)
            for _ in range(depth):
                value = [value]
            document = replace_at(document, where, value)
        elif action == "swap":
            value = _value_at(document, where)
            document = replace_at(document, where, _swapped(value))
        else:
            document = replace_at(document, where, draw(extra))
    return document


def _value_at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


def _swapped(value: Any) -> Any:
    """The same value in the type a careless server might pick instead."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return {str(i): item for i, item in enumerate(value)}
    if isinstance(value, dict):
        return list(value.values())
    return "null"


def to_json(document: Any) -> str:
    """JSON text; NaN and Infinity are written as Python's json does (not valid JSON: another hostile case)."""
    return json.dumps(document, allow_nan=True)


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """`text` cut short, with bytes flipped, or with junk spliced in."""
    action = draw(st.sampled_from(["cut", "flip", "splice", "dup"]))
    if not text:
        return draw(st.text(max_size=20))
    at = draw(st.integers(0, len(text) - 1))
    if action == "cut":
        return text[:at]
    if action == "flip":
        return text[:at] + chr(ord(text[at]) ^ draw(st.integers(1, 127))) + text[at + 1 :]
    if action == "dup":
        return text[:at] + text[at:] * 2
    return text[:at] + draw(st.sampled_from(["{", "}", "[", '"', "\\", ",", ":", "\x00", "NaN", "1e999"])) + text[at:]


def _packable(value: Any) -> bool:
    """msgpack carries 64-bit integers and UTF-8 text only."""
    if isinstance(value, int):
        return -(2**63) <= value < 2**64
    return not isinstance(value, str) or "\ud800" not in value


msgpack_values = st.recursive(
    st.one_of(
        scalars.filter(_packable),
        st.sampled_from(WEIRD_FLOATS),
        st.binary(max_size=16),
        st.builds(msgpack.ExtType, st.integers(0, 127), st.binary(max_size=8)),
        st.builds(msgpack.Timestamp, st.integers(0, 2**34 - 1), st.integers(0, 999_999_999)),
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(st.text(max_size=8), st.binary(max_size=4), st.integers(-(2**63), 2**63)), inner, max_size=4
        )
    ),
    max_leaves=12,
)
"""Values msgpack can carry and JSON cannot: bin where str belongs, ExtType (timestamps too), NaN."""


def pack(document: Any) -> bytes:
    return msgpack.packb(document, use_bin_type=True)


def deep_json(inner: str, depth: int) -> str:
    """`inner` inside `depth` arrays: deeper than any parser's recursion should be allowed to go."""
    return "[" * depth + inner + "]" * depth


def deep_msgpack(inner: bytes, depth: int) -> bytes:
    """`inner` inside `depth` one-element msgpack arrays (built by hand: the packer refuses such depth)."""
    return b"\x91" * depth + inner


HUGE_MSGPACK = [
    b"\xdd\x7f\xff\xff\xff",  # an array claiming 2**31 - 1 items, none sent
    b"\xdf\x7f\xff\xff\xff",  # a map claiming as many
    b"\xdb\x7f\xff\xff\xff",  # a str32 of 2 GB announced
    b"\xc6\xff\xff\xff\xff",  # a bin32 of 4 GB announced
    pack(list(range(200_000))),  # a real array of 200,000 items
    pack({"channel": "odds", "payload": {"fixtureId": "x", "odds": {"b": {str(i): {} for i in range(20_000)}}}}),
]
