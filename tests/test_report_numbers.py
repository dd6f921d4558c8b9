"""How the report rounds numbers, places map labels and names chart axes: hand cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skyshield.report.charts import plain_name, sizing_figure
from skyshield.report.labels import _overlap, label_boxes
from skyshield.report.numbers import (
    aircraft,
    count,
    exact_unit,
    interval_text,
    rounded,
    sig,
    sig_unit,
)


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (671_318.0, "671,000"),
        (0.671318, "0.671"),
        (120.0, "120"),
        (48.27, "48.3"),
        (31.0, "31.0"),
        (158.04, "158"),
        (20_814_000.0 * 1e-6, "20.8"),
        (4.2449, "4.24"),
        (0.0, "0"),
        (-0.0004, "-0.000400"),
        (1234.5, "1,230"),
    ],
)
def test_three_significant_figures(x: float, text: str) -> None:
    assert sig(x) == text


def test_rounding_units_and_counts() -> None:
    assert sig_unit(671_318.0) == 1000.0 and sig_unit(0.0123) == pytest.approx(0.0001)
    assert rounded(-0.0001, 0.01) == "0.00"  # no "-0.00"
    assert count(5026.0) == "5,026" and count(120.0) == "120"
    assert aircraft(120.0) == "120" and aircraft(0.93) == "0.9" and aircraft(3.98) == "4"
    assert aircraft(0.049) == "0.05" and aircraft(0.0) == "0"
    assert [rounded(x, exact_unit(x)) for x in (3.0, 2.5, 0.25, 10.0)] == ["3", "2.5", "0.25", "10"]


def test_interval_text_rounds_bounds_to_the_mean() -> None:
    iv = {"mean": 618_808.0, "low": 584_871.0, "high": 654_714.0}
    assert interval_text(iv, 1e-6) == "0.619 [0.585\u20130.655]"
    assert interval_text({"mean": 17.2, "low": None, "high": None}) == "17.2"
    assert interval_text({"mean": 150.0, "low": 150.0, "high": 150.0}) == "150"
    assert interval_text({"mean": None, "low": None, "high": None}) == "n/a"
    # a mean of 0 takes the unit of its largest bound
    assert interval_text({"mean": 0.0, "low": 0.0, "high": 0.25}) == "0.000 [0.000\u20130.250]"


def test_labels_at_one_point_do_not_overlap() -> None:
    points = np.zeros((4, 2))
    boxes = label_boxes(points, [(60.0, 9.0)] * 4)
    for i in range(4):
        for j in range(i):
            assert _overlap(boxes[i], boxes[j]) == 0.0
    # a lone label takes the first position: right of and above its point
    [box] = label_boxes(np.array([[100.0, 100.0]]), [(30.0, 9.0)])
    assert box == (106.0, 104.0, 136.0, 113.0)


@given(st.lists(st.tuples(st.floats(0, 400), st.floats(0, 300)), min_size=1, max_size=12))
def test_label_boxes_keep_clear_of_their_points(pts: list[tuple[float, float]]) -> None:
    points = np.array(pts)
    boxes = label_boxes(points, [(40.0, 9.0)] * len(pts))
    for (x, y), b in zip(points, boxes, strict=True):
        assert not (b[0] < x < b[2] and b[1] < y < b[3])


def test_sizing_chart_one_quantity_per_axis_with_plain_names() -> None:
    table = pd.DataFrame({"set:coalition.total_aircraft": [40, 80, 120]})
    for m, v in (
        ("baseline.hits_on_assets", 48.0),
        ("shield.hits_on_assets", 20.0),
        ("shield.shield_cost_usd", 2.0e7),
    ):
        table[m], table[f"{m}.low"], table[f"{m}.high"] = v, 0.9 * v, 1.1 * v
    fig = sizing_figure(table, "set:coalition.total_aircraft", "t", marked=120)
    axes = fig.get_axes()
    assert len(axes) == 2  # two panels, no twin axis
    assert [ax.get_ylabel() for ax in axes] == [
        "hits on protected assets a night",
        "shield cost a night, M USD",
    ]
    assert "total_aircraft" not in axes[1].get_xlabel()
    assert axes[1].get_xlabel() == plain_name("set:coalition.total_aircraft")
    assert plain_name("set:engine.c2_cycle_s") == "engine.c2_cycle_s"
