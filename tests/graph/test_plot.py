"""Drawing traced graphs: Graph.to_dot labels and ndflow.utils.plot_graph."""

import os
import re
import stat
import sys

import numpy as np
import pytest

import ndflow
from ndflow.graph.function import TensorSpec
from ndflow.keras import layers
from ndflow.keras.models import Sequential
from ndflow.utils import plot_graph
from ndflow.utils import render as render_module


def _w():
    return ndflow.Variable(np.arange(12, dtype=np.float32).reshape(3, 4), name="w")


def _matmul_exp(w):
    @ndflow.function
    def f(x):
        return ndflow.reduce_sum(ndflow.exp(x @ w) * 2.0, axis=1)

    return f


def _labels(dot):
    """DOT node id -> label text (with real line breaks)."""
    return {m[1]: m[2].replace("\\n", "\n")
            for m in re.finditer(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"', dot, re.M)}


def _edges(dot):
    return set(re.findall(r"^\s*(\w+) -> (\w+);", dot, re.M))


def _node_id(labels, first_line):
    (found,) = [k for k, v in labels.items() if v.split("\n")[0] == first_line]
    return found


# -- the tracer records shapes; to_dot shows them ------------------------------------------
def test_tracer_records_the_shape_and_dtype_of_every_value():
    x = np.ones((2, 3), np.float32)
    graph = _matmul_exp(_w()).get_concrete_function(x).graph
    for node in graph.nodes:
        for slot in node.outputs:
            assert slot in graph.shapes
    matmul = next(n for n in graph.nodes if n.name == "matmul")
    out = matmul.outputs[0]
    assert graph.shapes[out][0] == (2, 4)
    assert np.dtype(graph.shapes[out][1]) == np.float32
    assert graph.shapes[graph.input_slots[0]][0] == (2, 3)
    assert graph.shapes[graph.output_slots[0]][0] == (2,)


def test_to_dot_labels_ops_with_params_shapes_and_dtypes():
    graph = _matmul_exp(_w()).get_concrete_function(np.ones((2, 3), np.float32)).graph
    dot = graph.to_dot()
    labels = _labels(dot)
    assert labels[f"in{graph.input_slots[0]}"] == "input 0\n(2, 3) float32"
    assert labels[_node_id(labels, "exp")] == "exp\n(2, 4) float32"
    reduce_label = labels[_node_id(labels, "reduce_sum")]
    assert "axes=(1,)" in reduce_label and reduce_label.endswith("(2,) float32")
    assert "keepdims" not in reduce_label  # options left off are not drawn
    assert labels["out0"] == "output 0\n(2,) float32"
    read = _node_id(labels, "read:w")
    assert re.search(rf"{read} \[[^\]]*shape=cylinder", dot)
    matmul = _node_id(labels, "matmul")
    assert (read, matmul) in _edges(dot) and ("in0", matmul) in _edges(dot)


def test_to_dot_draws_constants_and_can_leave_details_out():
    graph = _matmul_exp(_w()).get_concrete_function(np.ones((2, 3), np.float32)).graph
    labels = _labels(graph.to_dot())
    (const,) = [k for k, v in labels.items() if k.startswith("c")]
    assert labels[const] == "2.0"
    assert (const, _node_id(labels, "multiply")) in _edges(graph.to_dot())
    bare = graph.to_dot(show_shapes=False, show_dtype=False, show_params=False,
                        show_constants=False, rankdir="LR", dpi=150)
    bare_labels = _labels(bare)
    assert bare_labels[_node_id(bare_labels, "reduce_sum")] == "reduce_sum"
    assert not any(k.startswith("c") for k in bare_labels)
    assert 'graph [rankdir="LR", dpi=150];' in bare


def test_to_dot_marks_state_changes_and_tolerates_unknown_shapes():
    v = ndflow.Variable(np.zeros(3, np.float32), name="v")

    @ndflow.function
    def bump(x):
        v.assign_add(x)
        return v * 3.0

    graph = bump.get_concrete_function(np.ones(3, np.float32)).graph
    dot = graph.to_dot()
    labels = _labels(dot)
    update = _node_id(labels, "assign_add:v")
    assert re.search(rf'{update} \[[^\]]*fillcolor="#fbe5d6"', dot)
    graph.shapes.clear()  # as for a graph a pass rebuilt without shapes
    assert _labels(graph.to_dot())[update] == "assign_add:v"


def test_to_dot_quotes_names():
    @ndflow.function(name='say "hi"')
    def f(x):
        return x + 1.0

    dot = f.get_concrete_function(np.ones(2, np.float32)).graph.to_dot()
    assert dot.startswith('digraph "say \\"hi\\"" {')


# -- plot_graph: what it accepts --------------------------------------------------------------
def test_plot_graph_returns_dot_text_for_every_kind_of_input():
    w = _w()
    f = _matmul_exp(w)
    x = np.ones((2, 3), np.float32)
    from_function = plot_graph(f, None, x)
    concrete = f.get_concrete_function(x)
    assert plot_graph(concrete) == from_function
    assert plot_graph(concrete.graph) == from_function
    assert plot_graph(f) == from_function  # no arguments: the latest trace

    def plain(x):  # a Python function is traced on its example arguments
        return ndflow.reduce_sum(ndflow.exp(x @ w) * 2.0, axis=1)

    assert plot_graph(plain, None, x).replace('"plain"', '"f"') == from_function


def test_plot_graph_traces_with_tensor_specs_and_input_signatures():
    @ndflow.function(input_signature=[TensorSpec((None, 3), "float32")])
    def f(x):
        return ndflow.tanh(x)

    dot = plot_graph(f)
    assert "tanh" in dot and "input 0\\n(1, 3) float32" in dot
    g = ndflow.function(lambda x: x * x)
    assert "input 0\\n(4,) float64" in plot_graph(g, None, TensorSpec((4,), "float64"))


def test_plot_graph_of_a_keras_model_shows_only_its_call():
    model = Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    dot = plot_graph(model, None, np.ones((2, 3), np.float32))
    labels = list(_labels(dot).values())
    assert not any("random" in label for label in labels)  # weights were built beforehand
    assert sum(label.startswith("dense\n") for label in labels) == 2
    assert "output 0\n(2, 1) float32" in labels


def test_plot_graph_errors():
    graph = _matmul_exp(_w()).get_concrete_function(np.ones((2, 3), np.float32)).graph
    with pytest.raises(TypeError, match="example arguments are only for functions"):
        plot_graph(graph, None, np.ones(3))
    with pytest.raises(TypeError, match="expected a Graph.*got int"):
        plot_graph(3)
    with pytest.raises(TypeError, match=r"needs example arguments.*plot_graph\(f, 'f.png', x\)"):
        plot_graph(ndflow.function(lambda x: x + 1))


# -- plot_graph: files --------------------------------------------------------------------------
@pytest.fixture
def no_graphviz(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # `import graphviz` fails
    monkeypatch.setenv("PATH", "")


def _fake_dot(folder, exit_code=0):
    """A stand-in for Graphviz's `dot`: saves its input and prints 'IMAGE <format>'."""
    program = folder / "dot"
    program.write_text("#!/bin/sh\n"
                       f'cat > "{folder}/seen.dot"\n'
                       + ('echo "syntax error in line 1" >&2\n' if exit_code else "")
                       + f'printf "IMAGE %s" "$1"\nexit {exit_code}\n')
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


@pytest.mark.skipif(os.name == "nt", reason="the stand-in `dot` is a shell script")
def test_plot_graph_renders_with_the_dot_program(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_dot(bin_dir)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    f = _matmul_exp(_w())
    x = np.ones((2, 3), np.float32)
    assert plot_graph(f, tmp_path / "f.svg", x) is None
    assert (tmp_path / "f.svg").read_bytes() == b"IMAGE -Tsvg"
    assert (bin_dir / "seen.dot").read_text() == plot_graph(f, None, x)
    plot_graph(f, str(tmp_path / "f"), x)  # no extension: PNG
    assert (tmp_path / "f").read_bytes() == b"IMAGE -Tpng"


@pytest.mark.skipif(os.name == "nt", reason="the stand-in `dot` is a shell script")
def test_plot_graph_falls_back_to_dot_text_when_graphviz_fails(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_dot(bin_dir, exit_code=1)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    f = _matmul_exp(_w())
    with pytest.warns(UserWarning, match="could not render the graph.*syntax error in line 1"):
        plot_graph(f, tmp_path / "f.png", np.ones((2, 3), np.float32))
    assert not (tmp_path / "f.png").exists()
    assert (tmp_path / "f.dot").read_text().startswith('digraph "f"')


def test_plot_graph_without_graphviz_writes_dot_text_and_says_how_to_render(
        tmp_path, no_graphviz):
    f = _matmul_exp(_w())
    with pytest.warns(UserWarning, match=r"plot_graph: Graphviz was not found.*DOT text.*"
                                         r"dot -Tpng .*g\.dot -o .*g\.png"):
        assert plot_graph(f, tmp_path / "g.png", np.ones((2, 3), np.float32)) is None
    assert not (tmp_path / "g.png").exists()
    assert "matmul" in (tmp_path / "g.dot").read_text()


def test_plot_graph_to_a_dot_file_needs_no_graphviz(tmp_path, no_graphviz, recwarn):
    f = _matmul_exp(_w())
    plot_graph(f, tmp_path / "g.gv", np.ones((2, 3), np.float32))
    assert (tmp_path / "g.gv").read_text() == plot_graph(f)
    assert not recwarn.list
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".ndflow-plot")]


def test_render_uses_the_graphviz_package_when_installed(monkeypatch):
    calls = []

    class FakeSource:
        def __init__(self, source):
            calls.append(source)

        def pipe(self, format):
            return f"rendered as {format}".encode()

    fake = type(sys)("graphviz")
    fake.Source = FakeSource
    monkeypatch.setitem(sys.modules, "graphviz", fake)
    render = render_module.find_renderer()
    assert render("digraph {}", "pdf") == b"rendered as pdf" and calls == ["digraph {}"]
