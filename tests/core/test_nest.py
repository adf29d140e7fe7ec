"""nest: flattening and rebuilding nested lists, tuples and dicts."""

import collections

import pytest

from ndflow.core import nest

Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("structure, leaves", [
    ([1, 2, 3], [1, 2, 3]),
    ((1, 2), [1, 2]),
    ([1, (2, [3, 4]), {"b": 6, "a": 5}], [1, 2, 3, 4, 5, 6]),
    (Point(1, [2, 3]), [1, 2, 3]),
    (7, [7]),
])
def test_flatten_and_pack_round_trip(structure, leaves):
    assert nest.flatten(structure) == leaves
    rebuilt = nest.pack_sequence_as(structure, [v * 10 for v in leaves])
    assert nest.flatten(rebuilt) == [v * 10 for v in leaves]
    assert type(rebuilt) is type(structure)


def test_flat_lists_are_copied_not_shared():
    weights = [1, 2]
    flat = nest.flatten(weights)
    flat.append(3)
    assert weights == [1, 2]


@pytest.mark.parametrize("structure", [[1, 2, 3], [1, [2, 3]]])
def test_pack_with_the_wrong_number_of_leaves_is_an_error(structure):
    with pytest.raises(ValueError, match="leaves"):
        nest.pack_sequence_as(structure, [1, 2])
    with pytest.raises(ValueError, match="leaves"):
        nest.pack_sequence_as(structure, iter([1, 2, 3, 4]))


def test_map_structure_over_two_structures():
    assert nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]
