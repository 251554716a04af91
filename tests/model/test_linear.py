"""Models as arrays (``model.linear.LinearModel``): columns and rows appended in order, each row
with its meaning, integer columns making a MIP."""

from __future__ import annotations

from kgkc_opt.model.linear import INF, LinearModel, RowInfo


def test_columns_and_rows_are_numbered_in_the_order_they_are_added() -> None:
    m = LinearModel("full")
    q = m.col("q[A.1,2021]", 0, 6, integer=True, cost=-1.0)
    s = m.col("slack", 0, INF, integer=False)
    assert (q, s) == (0, 1) and m.is_mip
    info = RowInfo("local_cap[2021]", "money", "local", year=2021)
    m.row("local_cap[2021]", [(q, 10.0), (s, 1.0)], -INF, 72.0, info)
    m.row("target[A.1]", [(q, 1.0)], -INF, 6.0, RowInfo("target[A.1]", "targets", "A.1", task_id="A.1"))
    assert m.row_keys == ["local_cap[2021]", "target[A.1]"]
    assert m.row_number("target[A.1]") == 1
    assert (m.row_index[0], m.row_value[0], m.row_upper[0]) == ([0, 1], [10.0, 1.0], 72.0)
    assert m.rows["local_cap[2021]"] is info
    assert m.col_cost == [-1.0, 0.0] and m.col_upper == [6, INF]


def test_a_model_without_integer_columns_is_an_lp() -> None:
    m = LinearModel("plan_lp")
    m.col("x", 0, 1, integer=False)
    assert not m.is_mip
