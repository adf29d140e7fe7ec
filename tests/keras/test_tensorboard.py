"""keras.callbacks.TensorBoard and the event files under it (ndflow.utils.event_file,
ndflow.utils.graph_def).

The files are read back here with a small protocol-buffer decoder (field numbers from
TensorFlow's event.proto, summary.proto, graph.proto, node_def.proto, attr_value.proto
and tensor_shape.proto), and once with tensorboardX's compiled copies of those protos.
"""

import glob
import os
import struct
import warnings
import zlib

import numpy as np
import pytest

import ndflow
from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.callbacks.callback import overrides
from ndflow.keras.callbacks.tensorboard import TensorBoard, layer_nodes, weight_paths
from ndflow.utils import event_file
from ndflow.utils.event_file import EventFileWriter, GraphNode
from ndflow.utils.graph_def import graph_nodes, node_name


# -- reading event files back ---------------------------------------------------------------
def _varint(data, i):
    shift = value = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i += 1
        if byte < 0x80:
            return value, i
        shift += 7


def _fields(data):
    """(field number, value) pairs of a message: ints, floats or bytes by wire type."""
    out, i = [], 0
    while i < len(data):
        key, i = _varint(data, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 1:
            (value,), i = struct.unpack_from("<d", data, i), i + 8
        elif wire == 2:
            n, i = _varint(data, i)
            value, i = data[i:i + n], i + n
        elif wire == 5:
            (value,), i = struct.unpack_from("<f", data, i), i + 4
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.append((field, value))
    return out


def _one(fields, number, default=None):
    found = [v for f, v in fields if f == number]
    assert len(found) <= 1
    return found[0] if found else default


def _records(path):
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    while i < len(data):
        header = data[i:i + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[i + 8:i + 12])[0] == event_file.masked_crc32c(header)
        payload = data[i + 12:i + 12 + length]
        (crc,) = struct.unpack("<I", data[i + 12 + length:i + 16 + length])
        assert crc == event_file.masked_crc32c(payload)
        yield payload
        i += 16 + length


def _shape(data):
    fields = _fields(data)
    if _one(fields, 3):
        return None
    dims = [_one(_fields(d), 1, 0) for f, d in fields if f == 2]
    return tuple(None if d == 2 ** 64 - 1 else d for d in dims)


def _node(data):
    fields = _fields(data)
    attrs = {}
    for f, entry in fields:
        if f == 5:
            entry = _fields(entry)
            attrs[_one(entry, 1).decode()] = _fields(_one(entry, 2))
    shapes = None
    if "_output_shapes" in attrs:
        shapes = [_shape(s) for f, s in _fields(_one(attrs["_output_shapes"], 1)) if f == 7]
    return {"name": _one(fields, 1).decode(), "op": _one(fields, 2).decode(),
            "inputs": [v.decode() for f, v in fields if f == 3], "shapes": shapes,
            "attrs": attrs}


def _read(folder):
    """Every event in the files of ``folder``: dicts with step and one of scalar,
    histogram, image (height, width, png) or graph (a list of nodes)."""
    files = sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*")))
    assert files, f"no event file in {folder}"
    events = []
    for path in files:
        for payload in _records(path):
            fields = _fields(payload)
            event = {"step": _one(fields, 2, 0), "wall_time": _one(fields, 1)}
            if _one(fields, 3) is not None:
                event["file_version"] = _one(fields, 3).decode()
            if _one(fields, 4) is not None:
                nodes = [_node(n) for f, n in _fields(_one(fields, 4)) if f == 1]
                event["graph"] = {n["name"]: n for n in nodes}
            if _one(fields, 5) is not None:
                (value,) = [_fields(v) for f, v in _fields(_one(fields, 5)) if f == 1]
                event["tag"] = _one(value, 1).decode()
                if _one(value, 2) is not None:
                    event["scalar"] = _one(value, 2)
                if _one(value, 5) is not None:
                    h = _fields(_one(value, 5))
                    event["histogram"] = {
                        "min": _one(h, 1), "max": _one(h, 2), "num": _one(h, 3),
                        "sum": _one(h, 4), "sum_squares": _one(h, 5),
                        "limits": np.frombuffer(_one(h, 6), "<f8"),
                        "counts": np.frombuffer(_one(h, 7), "<f8")}
                if _one(value, 4) is not None:
                    im = _fields(_one(value, 4))
                    event["image"] = (_one(im, 1), _one(im, 2), _one(im, 4))
            events.append(event)
    return events


def _scalars(folder):
    out = {}
    for e in _read(folder):
        if "scalar" in e:
            out.setdefault(e["tag"], []).append((e["step"], e["scalar"]))
    return out


def _graph(folder):
    graphs = [e["graph"] for e in _read(folder) if "graph" in e]
    assert len(graphs) == 1
    return graphs[0]


def _png_pixels(png):
    """The grey levels of an 8-bit greyscale PNG with unfiltered rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    i, chunks = 8, {}
    while i < len(png):
        (n,) = struct.unpack(">I", png[i:i + 4])
        kind, data = png[i + 4:i + 8], png[i + 8:i + 8 + n]
        assert struct.unpack(">I", png[i + 8 + n:i + 12 + n])[0] == zlib.crc32(kind + data)
        chunks[kind] = chunks.get(kind, b"") + data
        i += 12 + n
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 0)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, width + 1)
    assert not rows[:, 0].any()  # filter type 0 on every row
    return rows[:, 1:]


# -- the file format ---------------------------------------------------------------------------
def test_crc32c_check_value_and_mask():
    assert event_file._crc32c(b"123456789") == 0xE3069283  # the standard check value
    crc = 0xE3069283
    assert event_file.masked_crc32c(b"123456789") == \
        (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def test_writer_round_trip(tmp_path):
    values = np.random.default_rng(0).normal(size=(20, 5))
    with EventFileWriter(tmp_path / "run") as writer:
        writer.scalar("loss", 0.25, step=3)
        writer.scalar("big_step", -1.5, step=2 ** 40)
        writer.histogram("w", values, step=1, buckets=7)
        writer.image("img", np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 6.0]]), step=2)
        writer.graph([GraphNode("x", "Placeholder", shapes=[(None, 3)], dtype="float32"),
                      GraphNode("scope/op", "matmul", ["x", "x"], shapes=[None],
                                attrs={"flag": True, "n": -2, "f": 0.5, "s": "text"})])
    assert os.path.basename(writer.path).startswith("events.out.tfevents.")
    events = _read(tmp_path / "run")
    assert events[0]["file_version"] == "brain.Event:2"
    assert [(e["tag"], e["step"], e["scalar"]) for e in events if "scalar" in e] == \
        [("loss", 3, 0.25), ("big_step", 2 ** 40, -1.5)]
    (hist,) = [e["histogram"] for e in events if "histogram" in e]
    counts, edges = np.histogram(values, bins=7)
    np.testing.assert_allclose(hist["limits"], edges[1:])
    np.testing.assert_array_equal(hist["counts"], counts)
    assert hist["num"] == values.size and hist["min"] == values.min()
    np.testing.assert_allclose([hist["sum"], hist["sum_squares"]],
                               [values.sum(), (values ** 2).sum()])
    (image,) = [e["image"] for e in events if "image" in e]
    assert image[:2] == (2, 3)
    np.testing.assert_array_equal(_png_pixels(image[2]),
                                  np.round(np.array([[0, 1, 2], [3, 4, 6]]) / 6 * 255))
    (graph,) = [e["graph"] for e in events if "graph" in e]
    assert graph["x"]["shapes"] == [(None, 3)] and graph["scope/op"]["shapes"] == [None]
    assert graph["scope/op"]["inputs"] == ["x", "x"]
    attrs = graph["scope/op"]["attrs"]
    assert _one(attrs["flag"], 5) == 1 and _one(attrs["f"], 4) == 0.5
    assert _one(attrs["s"], 2) == b"text" and _one(attrs["n"], 3) == 2 ** 64 - 2
    assert _one(graph["x"]["attrs"]["T"], 6) == 1  # DT_FLOAT


def test_writer_checks_images_and_refuses_writes_after_close(tmp_path):
    writer = EventFileWriter(tmp_path)
    with pytest.raises(ValueError, match=r"expected a 2-D array, got shape \(2, 2, 2\)"):
        writer.image("x", np.zeros((2, 2, 2)), step=0)
    writer.close()
    with pytest.raises(ValueError, match="is closed"):
        writer.scalar("x", 1.0, step=0)


def test_files_match_tensorboards_protos(tmp_path):
    event_pb2 = pytest.importorskip("tensorboardX.proto.event_pb2")
    from tensorboardX.proto import graph_pb2

    with EventFileWriter(tmp_path) as writer:
        writer.scalar("epoch_loss", 0.5, step=4)
        writer.histogram("k/histogram", np.arange(10.0), step=4)
        writer.image("k/image", np.eye(3), step=4)
        writer.graph([GraphNode("a", "Placeholder", shapes=[(2, None)], dtype="int64"),
                      GraphNode("b/c", "add", ["a", "a:1"], attrs={"axis": 1})])
    events = [event_pb2.Event.FromString(p) for p in _records(writer.path)]
    assert events[0].file_version == "brain.Event:2"
    scalar, histogram, image, graph = events[1:]
    assert (scalar.step, scalar.summary.value[0].tag) == (4, "epoch_loss")
    assert scalar.summary.value[0].simple_value == 0.5
    histo = histogram.summary.value[0].histo
    assert (histo.num, histo.max, sum(histo.bucket)) == (10, 9, 10)
    assert image.summary.value[0].image.width == 3
    nodes = graph_pb2.GraphDef.FromString(graph.graph_def).node
    assert [(n.name, n.op, list(n.input)) for n in nodes] == \
        [("a", "Placeholder", []), ("b/c", "add", ["a", "a:1"])]
    dims = [d.size for d in nodes[0].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [2, -1] and nodes[1].attr["axis"].i == 1


# -- graphs as TensorBoard nodes ------------------------------------------------------------------
def test_node_names_are_valid_tensorflow_names():
    assert node_name("read:a b") == "read_a_b"
    assert node_name("/scope//op/") == "scope/op"
    assert node_name("_x") == "n_x"


def test_graph_nodes_of_a_traced_function():
    w = ndflow.Variable(np.ones((3, 2), np.float32), name="kernel")
    b = ndflow.Variable(np.zeros(2, np.float32), name="bias")

    @ndflow.function
    def f(x):
        y = ndflow.nn.relu(x @ w + b)
        b.assign_add(ndflow.reduce_sum(y, axis=0))
        return y, ndflow.reduce_sum(y)

    graph = f.get_concrete_function(np.ones((4, 3), np.float32)).graph
    nodes = {n.name: n for n in graph_nodes(graph, {id(w): "dense/kernel"})}
    assert nodes["input_0"].op == "Placeholder" and nodes["input_0"].shapes == [(4, 3)]
    assert nodes["dense/kernel/read"].op == "ReadVariableOp"
    matmul = nodes["dense/matmul"]  # an op reading a layer's weight joins its scope
    assert (matmul.op, matmul.inputs, matmul.shapes) == \
        ("matmul", ["input_0", "dense/kernel/read"], [(4, 2)])
    assert nodes["bias/assign_add"].op == "assign_add"
    assert "bias/read" in nodes["bias/assign_add"].inputs
    assert nodes["output_0"].op == "Identity" and nodes["output_1"].shapes == [()]
    assert [nodes[f"output_{i}"].inputs[0] for i in (0, 1)] == \
        [next(n for n in nodes if "relu" in n), "reduce_sum_1"]
    assert nodes["reduce_sum"].attrs == {"axes": "(0,)", "keepdims": False}
    assert len(nodes) == len(graph_nodes(graph))  # names unique, one node per step


def test_graph_nodes_avoid_names_that_are_scopes():
    v = ndflow.Variable(np.ones(2, np.float32), name="square")

    @ndflow.function
    def f(x):
        return ndflow.square(x) + v

    names = [n.name for n in graph_nodes(f.get_concrete_function(np.ones(2, np.float32))
                                         .graph)]
    assert "square/read" in names and "square" not in names and "square_1" in names


# -- the callback ---------------------------------------------------------------------------------
def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)


def _model(**compile_args):
    model = keras.Sequential([
        layers.Dense(4, activation="relu", input_shape=(3,), name="hidden"),
        layers.Dense(1, activation="sigmoid", name="out")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"], **compile_args)
    return model


def test_epoch_scalars_for_train_and_validation(tmp_path):
    x, y = _data()
    model = _model()
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0,
                        callbacks=[TensorBoard(tmp_path)])
    train, val = _scalars(tmp_path / "train"), _scalars(tmp_path / "validation")
    for name in ("loss", "accuracy"):
        assert [s for s, _ in train[f"epoch_{name}"]] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in train[f"epoch_{name}"]],
                                   history.history[name], rtol=1e-6)
        np.testing.assert_allclose([v for _, v in val[f"epoch_{name}"]],
                                   history.history[f"val_{name}"], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]], [0.1] * 3)
    # the validation results again, against the optimizer's step count (3 batches/epoch)
    assert [s for s, _ in val["evaluation_loss_vs_iterations"]] == [3, 6, 9]
    np.testing.assert_allclose([v for _, v in val["evaluation_loss_vs_iterations"]],
                               history.history["val_loss"], rtol=1e-6)
    assert not any(tag.startswith("batch_") for tag in train)
    assert "epoch_learning_rate" not in val


def test_validation_seen_by_on_test_end_is_logged_once(tmp_path):
    model = _model()
    tb = TensorBoard(tmp_path, write_graph=False)
    tb.set_model(model)
    tb.on_train_begin()
    tb.on_epoch_begin(0)
    tb.on_test_begin()
    tb.on_test_end({"loss": 0.5})  # a trainer that runs validation through the callbacks
    tb.on_epoch_end(0, {"loss": 1.0, "val_loss": 0.5})
    tb.on_train_end()
    val = _scalars(tmp_path / "validation")
    assert val == {"evaluation_loss_vs_iterations": [(0, 0.5)], "epoch_loss": [(0, 0.5)]}


def test_batch_scalars_every_update_freq_batches(tmp_path):
    x, y = _data(40)
    model = _model()
    steps = []
    tb = TensorBoard(tmp_path, update_freq=2, write_steps_per_second=True)
    logger = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: steps.append(logs["loss"]))
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[logger, tb])
    train = _scalars(tmp_path / "train")
    assert [s for s, _ in train["batch_loss"]] == [2, 4, 6, 8, 10]
    np.testing.assert_allclose([v for _, v in train["batch_loss"]], steps[1::2], rtol=1e-6)
    assert [s for s, _ in train["batch_steps_per_second"]] == [2, 4, 6, 8, 10]
    assert all(v > 0 for _, v in train["epoch_steps_per_second"])
    assert [s for s, _ in train["epoch_loss"]] == [0, 1]


def test_batch_logging_only_when_asked():
    assert not overrides(TensorBoard(), "on_train_batch_end", "on_batch_end")
    assert overrides(TensorBoard(update_freq="batch"), "on_train_batch_end")
    assert TensorBoard(update_freq="batch").update_freq == 1


def test_weight_histograms_and_images(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=3, batch_size=8, verbose=0,
              callbacks=[TensorBoard(tmp_path, histogram_freq=2, write_images=True)])
    events = _read(tmp_path / "train")
    histograms = {(e["tag"], e["step"]): e["histogram"] for e in events if "histogram" in e}
    names = ["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]
    assert sorted(histograms) == sorted((f"{n}/histogram", s) for n in names for s in (0, 2))
    kernel = model.layers[0].kernel.numpy()  # epoch 2 was the last: today's weights
    final = histograms[("hidden/kernel/histogram", 2)]
    assert final["num"] == kernel.size and final["counts"].sum() == kernel.size
    np.testing.assert_allclose([final["min"], final["max"], final["sum"]],
                               [kernel.min(), kernel.max(), kernel.sum()], rtol=1e-6)
    images = {(e["tag"], e["step"]): e["image"] for e in events if "image" in e}
    assert sorted(images) == sorted((f"{n}/image", s) for n in names for s in (0, 2))
    height, width, png = images[("hidden/kernel/image", 2)]
    assert (height, width) == (3, 4)  # a (3, 4) kernel, already wider than tall
    pixels = _png_pixels(png)
    assert pixels.min() == 0 and pixels.max() == 255
    assert np.unravel_index(pixels.argmax(), pixels.shape) == \
        np.unravel_index(kernel.argmax(), kernel.shape)
    assert images[("out/kernel/image", 0)][:2] == (1, 4)  # (4, 1) shown as a row


def test_graph_of_the_compiled_training_step(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[TensorBoard(tmp_path)])
    graph = _graph(tmp_path / "train")
    assert graph["input_0"]["op"] == "Placeholder" and graph["input_0"]["shapes"] == [(8, 3)]
    assert graph["hidden/kernel/read"]["shapes"] == [(3, 4)]
    forward = [n for n in graph.values()
               if n["name"].startswith("hidden/") and "hidden/kernel/read" in n["inputs"]]
    assert any(n["inputs"][0] == "input_0" and n["shapes"] == [(8, 4)] for n in forward)
    assert any("grad" in n["op"] for n in forward)  # the backward pass is in the graph
    for node in graph.values():  # every edge comes from a node of the graph
        for source in node["inputs"]:
            assert source.split(":")[0] in graph


def test_graph_of_the_layers_when_training_eagerly(tmp_path):
    inputs = keras.Input((5,), name="x")
    a = layers.Dense(3, name="a")(inputs)
    b = layers.Dense(3, name="b")(inputs)
    out = layers.Dense(1, name="out")(layers.Add(name="add")([a, b]))
    model = keras.Model(inputs, out)
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x = np.ones((8, 5), np.float32)
    model.fit(x, np.ones((8, 1), np.float32), epochs=1, verbose=0,
              callbacks=[TensorBoard(tmp_path)])
    graph = _graph(tmp_path / "train")
    assert {n: (graph[n]["op"], graph[n]["inputs"]) for n in graph} == {
        "x": ("InputLayer", []), "a": ("Dense", ["x"]), "b": ("Dense", ["x"]),
        "add": ("Add", ["a", "b"]), "out": ("Dense", ["add"])}
    assert graph["add"]["shapes"] == [(None, 3)]
    assert _one(graph["a"]["attrs"]["units"], 3) == 3


def test_layer_nodes_and_weight_paths_of_nested_models():
    inner = keras.Sequential([layers.Dense(2, name="d1"), layers.Dense(2, name="d2")],
                             name="block")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(3, name="first"), inner,
                              layers.Dense(1, name="last")])
    nodes = {n.name: n.inputs for n in layer_nodes(model)}
    assert nodes == {"first": [], "block/d1": ["first"], "block/d2": ["block/d1"],
                     "last": ["block/d2"]}
    paths = [p for p, _ in weight_paths(model)]
    assert paths == ["first/kernel", "first/bias", "block/d1/kernel", "block/d1/bias",
                     "block/d2/kernel", "block/d2/bias", "last/kernel", "last/bias"]
    assert [v for _, v in weight_paths(model)] == model.weights


def test_evaluate_alone_logs_against_iterations(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    loss = model.evaluate(x, y, verbose=0, callbacks=[TensorBoard(tmp_path)])
    val = _scalars(tmp_path / "validation")
    assert [s for s, _ in val["evaluation_loss_vs_iterations"]] == [2]
    np.testing.assert_allclose(val["evaluation_loss_vs_iterations"][0][1], loss[0], rtol=1e-6)
    assert not (tmp_path / "train").exists()


def test_a_second_fit_adds_a_file_and_continues_the_batch_axis(tmp_path):
    x, y = _data(16)
    model = _model()
    tb = TensorBoard(tmp_path, update_freq=1, write_graph=False)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[tb])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[tb])
    assert len(glob.glob(str(tmp_path / "train" / "events.out.tfevents.*"))) == 2
    assert [s for s, _ in _scalars(tmp_path / "train")["batch_loss"]] == [1, 2, 3, 4]
    assert not any("graph" in e for e in _read(tmp_path / "train"))


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="update_freq must be 'epoch', 'batch' or a number"):
        TensorBoard(update_freq=0)
    with pytest.raises(ValueError, match="histogram_freq must be an integer >= 0"):
        TensorBoard(histogram_freq=-1)
    with pytest.warns(UserWarning, match="no profiler; profile_batch is ignored"):
        TensorBoard(profile_batch=2)
    with pytest.warns(UserWarning, match="embeddings_freq is ignored"):
        TensorBoard(embeddings_freq=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TensorBoard(profile_batch=0, embeddings_freq=0)


def test_exported_from_keras_callbacks():
    assert keras.callbacks.TensorBoard is TensorBoard
