"""The week-1 iris network, built four ways, in --quick mode."""

import pytest


@pytest.mark.parametrize("style", ["add", "list", "functional", "subclass"])
def test_iris_reaches_90_percent(style, run_example, tmp_path, capsys):
    result = run_example(f"examples/course/week1/iris_{style}.py", tmp_path)
    assert result["test_accuracy"] >= 0.9
    assert [p.rsplit("/", 1)[-1] for p in result["plots"]] == [f"iris_{style}.png"]
    out = capsys.readouterr().out
    assert f"test accuracy: {result['test_accuracy']:.3f}" in out
    assert f"plot: {result['plots'][0]}" in out
