import math

from oddstui import numbers
from oddstui.numbers import SharedNumbers


def fresh(value: str) -> float:
    return float(value)  # a new object each call


def test_equal_numbers_come_back_as_one_object_of_their_own_type():
    shared = SharedNumbers()
    first = shared.share(fresh("1.9090"))
    assert shared.share(fresh("1.9090")) is first
    price = shared.share(int("-110"))
    assert shared.share(int("-110")) is price
    assert type(shared.share(-110.0)) is float and type(shared.share(int("-110"))) is int


def test_zero_nan_none_and_bools_are_left_as_they_are():
    shared = SharedNumbers()
    negative_zero = shared.share(-0.0)
    assert math.copysign(1.0, negative_zero) == -1.0
    assert math.copysign(1.0, shared.share(0.0)) == 1.0
    assert math.isnan(shared.share(math.nan))
    assert shared.share(None) is None
    assert shared.share(True) is True
    assert len(shared) == 0


def test_the_table_is_bounded(monkeypatch):
    monkeypatch.setattr(numbers, "SHARED_CAP", 100)
    shared = SharedNumbers()
    for i in range(1, 1000):
        shared.share(i + 0.5)
        shared.share(i * 7)
    assert len(shared) <= 200
