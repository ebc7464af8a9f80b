from hypothesis import given
from hypothesis import strategies as st

from opis.model import OffsetMap, Run


def test_offset_map_maps_inside_runs_and_gaps():
    m = OffsetMap([Run(0, 10, 5), Run(5, 20, 5)])
    assert m.to_parent(0) == 10 and m.to_parent(4) == 14
    assert m.to_parent(5) == 20 and m.to_parent(10) == 25
    assert m.span_to_parent(3, 7) == (13, 22)


def test_offset_map_composition_equals_applying_both():
    inner = OffsetMap([Run(0, 2, 3), Run(3, 8, 4)])
    outer = OffsetMap([Run(0, 100, 6), Run(6, 200, 10)])
    both = inner.then(outer)
    for pos in range(0, 7):
        assert both.to_parent(pos) == outer.to_parent(inner.to_parent(pos))


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6)), min_size=1, max_size=8))
def test_json_round_trip(gaps):
    runs, child, parent = [], 0, 0
    for gap, length in gaps:
        parent += gap
        runs.append(Run(child, parent, length))
        child += length
        parent += length
    m = OffsetMap(runs)
    assert OffsetMap.from_json(m.to_json()) == m
