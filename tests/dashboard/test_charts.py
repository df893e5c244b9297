"""Chart geometry: axes that fit the data, columns inside the plot, bars end to end."""

import pytest

from app.dashboard.charts import Series, column_chart, nice_step, stacked


@pytest.mark.parametrize(("top", "step"), [(0, 1), (3, 1), (7, 2), (47, 20), (100, 50),
                                           (1234, 500)])
def test_axis_steps_are_1_2_or_5_times_a_power_of_ten(top, step):
    assert nice_step(top) == step


def test_columns_stand_on_the_baseline_and_scale_to_the_axis():
    chart = column_chart([("Oct", "2026"), ("Nov", "")], [
        Series("Found", "s-found", [10, 47]), Series("Closed", "s-closed", [0, 5])])
    top = int(chart.grid[-1].text)
    assert top == 60 and chart.grid[0].text == "0"
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.height == pytest.approx((chart.baseline - chart.grid[-1].y) * 47 / 60, abs=0.1)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.baseline, abs=0.1)
        assert chart.left <= bar.x and bar.x + bar.width <= chart.right


def test_a_month_without_a_value_draws_no_column_and_no_label():
    chart = column_chart([("Oct", ""), ("Nov", "")], [Series("On time", "s-ontime", [None, 80])],
                         top=100, step=25, unit="%", value_format="{:.0f}")
    assert [b.title for b in chart.bars] == ["Nov · On time: 80%"]
    assert [t.text for t in chart.labels if t.css == "value"] == ["80"]
    assert [t.text for t in chart.grid] == ["0%", "25%", "50%", "75%", "100%"]


def test_stacked_segments_run_end_to_end_on_a_shared_scale():
    segments = stacked([(2, "s-overdue"), (0, "s-open"), (3, "s-open")], scale=10)
    assert [(s.start, s.width, s.css) for s in segments] == [(0, 20, "s-overdue"),
                                                              (20, 30, "s-open")]
