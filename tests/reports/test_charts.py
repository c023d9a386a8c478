"""Chart geometry: values become bars, lines and ticks inside the viewBox, and a missing value
leaves a gap rather than a zero."""

from decimal import Decimal

from ap_field.reports.charts import HEIGHT, WIDTH, Point, columns, rows, trend


def points(*values) -> list[Point]:
    return [
        Point(f"W{n}", None if v is None else Decimal(v)) for n, v in enumerate(values, start=1)
    ]


def test_columns_scale_to_the_top_and_draw_the_reference_line():
    chart = columns(points("30", "15", None, "0"), Decimal(30), reference=Decimal(25))
    bottom = HEIGHT - 24
    full, half, zero = chart.bars
    assert full.y == 8 and full.height == bottom - 8
    assert half.height == (bottom - 8) / 2
    assert zero.height == 0
    assert [bar.point.label for bar in chart.bars] == ["W1", "W2", "W4"]
    assert chart.reference_y == round(bottom - 25 / 30 * (bottom - 8), 1)
    assert [tick.value for tick in chart.ticks] == [0, Decimal("7.5"), 15, Decimal("22.5"), 30]
    assert all(bar.x >= 36 and bar.x + bar.width <= WIDTH for bar in chart.bars)
    assert chart.view_box == f"0 0 {WIDTH} {HEIGHT}"


def test_a_value_above_the_top_stays_inside_the_chart():
    (bar,) = columns(points("40"), Decimal(30)).bars
    assert bar.y == 8


def test_a_trend_breaks_where_a_week_has_no_figure():
    chart = trend(points("100", "50", None, "0"))
    assert chart.line.count("M") == 2
    assert [marker.point.label for marker in chart.bars] == ["W1", "W2", "W4"]
    first, second, last = chart.bars
    assert first.y == 8 and last.y == HEIGHT - 24
    assert first.x < second.x < last.x <= WIDTH


def test_labels_thin_out_but_keep_the_latest_week():
    chart = columns(points(*["50"] * 12), Decimal(100))
    assert [label.text for label in chart.labels] == [f"W{n}" for n in range(2, 13, 2)]
    assert len(columns(points("1", "2"), Decimal(2)).labels) == 2


def test_rows_are_as_long_as_their_share_and_not_reviewed_is_empty():
    chart = rows([Point("Read", Decimal(3)), Point("Count", None, "Not yet reviewed")], Decimal(3))
    read, count = chart.bars
    assert read.width == WIDTH - 8 and count.width == 0
    assert count.y > read.y
    assert chart.height == 8 + 2 * 28
    assert count.point.shown == "Not yet reviewed"
