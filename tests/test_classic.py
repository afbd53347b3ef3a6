"""cnnbook.classic (saved from chapter 10) against TensorFlow/Keras as the oracle.

- The builders: the zoo's four networks keep exactly the architecture the zoo
  trained (layer names, classes, order, weight paths and shapes, frozen here as
  a sha256); the full-size networks have the parameter counts of independent
  implementations (``keras.applications.VGG16(weights=None)``, the BVLC Caffe
  AlexNet and GoogLeNet and VGG-11/13/19 as listed by HPE's dlbs, the TF book's
  VGG13); the blocks compute what ``tf.nn.conv2d``/``tf.nn.max_pool2d`` compute.
- ``layer_macs``/``count_macs``: TensorFlow's own per-op "flops" statistics
  (registered for Conv2D, DepthwiseConv2dNative and MatMul) over random layers
  (hypothesis), the hand formula, Keras' parameter counts, grouped, dilated and
  transposed convolutions, nested models, and the published per-block
  multiply-adds of GoogLeNet (Szegedy et al. 2015, table 1).
- ``model_receptive_field``: ``cnnbook.conv.receptive_field`` on random plain
  stacks, and the support of the gradient of one output pixel (all-ones
  kernels) on random networks with parallel branches.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import model_fingerprint, zoo_specs

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402
from tensorflow.python.framework import ops as tf_ops  # noqa: E402

from cnnbook.classic import (GOOGLENET_STAGES, VGG_ARCHS, alexnet,  # noqa: E402
                             conv_bn_relu, count_macs, googlenet,
                             inception_block, layer_macs,
                             model_receptive_field, nin, nin_block, vgg,
                             vgg_block)
from cnnbook.conv import receptive_field  # noqa: E402

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# Computed with the builders the zoo trained with (the draft written before
# chapter 10, and the chapter's version, agree): a change here means the zoo's
# weight files no longer load.
ZOO_STRUCTURE = {
    "vgg": (641962, "7b96ad01713d8466da65744bd285c10b3f207f00c349948fd10d0fc0f1e62586"),
    "googlenet": (148506, "18f9d66e7acfa7bbb633258436c7e8661262a2741a6f74e7a9c316198de4ff8d"),
    "alexnet": (381098, "e6850500825ceac45b08438ba53af70c80d09e82eedab5e042cd287892068ffc"),
    "nin": (150496, "92fb4cbad4eedaf80b4afce89a36e92d4eac276f9d2b30fb6e5cc03974c87439"),
}


@pytest.mark.parametrize("name", list(ZOO_STRUCTURE))
def test_zoo_architectures_are_frozen(name):
    spec = zoo_specs("classic")[name]
    builder = {"vgg": vgg, "googlenet": googlenet, "alexnet": alexnet, "nin": nin}[name]
    model = builder(**spec["kwargs"])
    params, digest = ZOO_STRUCTURE[name]
    assert model.count_params() == params
    assert model_fingerprint(model) == digest


def test_every_layer_has_an_explicit_name():
    """Keras numbers automatic names (conv2d, conv2d_1, ...): building a model twice in one
    session gives different automatic names but the same explicit ones."""
    builders = {"vgg": vgg, "googlenet": googlenet, "alexnet": alexnet, "nin": nin}
    for name, spec in zoo_specs("classic").items():
        first = [la.name for la in builders[name](**spec["kwargs"]).layers]
        second = [la.name for la in builders[name](**spec["kwargs"]).layers]
        assert first == second, name
        assert len(set(first)) == len(first)


# --- parameter counts against independent implementations -------------------------


def test_vgg16_matches_keras_applications():
    ours = vgg(VGG_ARCHS["vgg16"]).count_params()
    theirs = keras.applications.VGG16(weights=None).count_params()
    assert ours == theirs == 138_357_544


@pytest.mark.parametrize("arch,params", [("vgg11", 132_863_336), ("vgg13", 133_047_848),
                                         ("vgg19", 143_667_240)])
def test_vgg_variants_match_the_caffe_models(arch, params):
    # HPE dlbs, docs/models/models.md (Caffe prototxt models of VGG-11/13/19)
    assert vgg(VGG_ARCHS[arch]).count_params() == params


def test_alexnet_at_227_matches_bvlc_alexnet_without_groups():
    assert alexnet((227, 227, 3)).count_params() == 62_378_344


def test_googlenet_matches_bvlc_googlenet_without_auxiliary_classifiers():
    assert googlenet().count_params() == 6_998_552


def test_tf_book_vgg13_on_32x32():
    for classes, head in ((100, 177_124), (10, 165_514)):
        model = vgg(VGG_ARCHS["vgg13"], (32, 32, 3), classes, dense_units=(256, 128),
                    dropout=0.0)
        convs = sum(la.count_params() for la in model.layers if la.name.startswith("block"))
        assert convs == 9_404_992
        assert model.count_params() - convs == head


def test_googlenet_table1_multiply_adds_per_block():
    """Table 1 of Szegedy et al. (2015), column "ops", in millions; 5a is printed as 54M
    although its own channel numbers give 51.1M."""
    table = {"3a": 128, "3b": 304, "4a": 73, "4b": 88, "4c": 100, "4d": 119, "4e": 170,
             "5b": 71}
    model = googlenet()
    for block, millions in table.items():
        macs = sum(layer_macs(la) for la in model.layers
                   if la.name.startswith(f"inception{block}_"))
        assert abs(macs / 1e6 - millions) < 1, (block, macs)


# --- blocks against tf.nn -----------------------------------------------------------


def random_input(rng, shape):
    return tf.constant(rng.normal(size=shape).astype("float32"))


def conv_relu(x, layer):
    y = tf.nn.conv2d(x, layer.kernel, strides=layer.strides, padding=layer.padding.upper())
    if layer.use_bias:
        y = y + layer.bias
    return tf.nn.relu(y)


@SETTINGS
@given(num_convs=st.integers(1, 3), cin=st.integers(1, 4), filters=st.integers(1, 5),
       side=st.integers(2, 9), seed=st.integers(0, 2**31 - 1))
def test_vgg_block_is_convs_then_a_pool(num_convs, cin, filters, side, seed):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((side, side, cin))
    model = keras.Model(inputs, vgg_block(inputs, num_convs, filters, "b"))
    assert model.output_shape == (None, side // 2, side // 2, filters)
    assert model.count_params() == 9 * cin * filters + filters + (num_convs - 1) * (
        9 * filters * filters + filters)
    x = random_input(rng, (2, side, side, cin))
    y = x
    for i in range(num_convs):
        y = conv_relu(y, model.get_layer(f"b_{i + 1}_conv"))
    y = tf.nn.max_pool2d(y, 2, 2, "VALID")
    np.testing.assert_allclose(model(x).numpy(), y.numpy(), rtol=1e-5, atol=1e-5)


@SETTINGS
@given(cin=st.integers(1, 4), c1=st.integers(1, 3), c2=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       c3=st.tuples(st.integers(1, 3), st.integers(1, 3)), c4=st.integers(1, 3),
       side=st.integers(1, 7), seed=st.integers(0, 2**31 - 1))
def test_inception_block_concatenates_four_paths(cin, c1, c2, c3, c4, side, seed):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((side, side, cin))
    model = keras.Model(inputs, inception_block(inputs, c1, c2, c3, c4, "i"))
    assert model.output_shape == (None, side, side, c1 + c2[1] + c3[1] + c4)
    expected = (cin * c1 + c1 + cin * c2[0] + c2[0] + 9 * c2[0] * c2[1] + c2[1]
                + cin * c3[0] + c3[0] + 25 * c3[0] * c3[1] + c3[1] + cin * c4 + c4)
    assert model.count_params() == expected
    x = random_input(rng, (2, side, side, cin))
    get = model.get_layer
    p1 = conv_relu(x, get("i_p1_conv"))
    p2 = conv_relu(conv_relu(x, get("i_p2a_conv")), get("i_p2b_conv"))
    p3 = conv_relu(conv_relu(x, get("i_p3a_conv")), get("i_p3b_conv"))
    p4 = conv_relu(tf.nn.max_pool2d(x, 3, 1, "SAME"), get("i_p4b_conv"))
    np.testing.assert_allclose(model(x).numpy(), tf.concat([p1, p2, p3, p4], -1).numpy(),
                               rtol=1e-5, atol=1e-5)


def test_nin_block_and_conv_bn_relu_layers():
    inputs = keras.Input((9, 9, 3))
    model = keras.Model(inputs, nin_block(inputs, 4, 3, "n", strides=2, padding="valid",
                                          batch_norm=True))
    names = [la.name for la in model.layers[1:]]
    assert names == [f"n_{p}_{k}" for p in "abc" for k in ("conv", "bn", "relu")]
    assert model.output_shape == (None, 4, 4, 4)
    assert not any(la.use_bias for la in model.layers if isinstance(la, layers.Conv2D))
    assert model.get_layer("n_b_conv").kernel.shape == (1, 1, 4, 4)
    plain = keras.Model(inputs, conv_bn_relu(inputs, 2, (1, 3), "c"))
    assert [la.name for la in plain.layers[1:]] == ["c_conv", "c_relu"]
    assert plain.get_layer("c_conv").use_bias


def test_nin_has_no_dense_layer_and_its_logits_come_from_global_pooling():
    model = nin((64, 64, 1), num_classes=7, arch=[[8, 5, 2, "valid"], [8, 3, 1, "same"]])
    assert not any(isinstance(la, layers.Dense) for la in model.layers)
    assert isinstance(model.layers[-1], layers.GlobalAveragePooling2D)
    assert model.output_shape == (None, 7)


def test_googlenet_224_shapes_follow_table1():
    model = googlenet()
    expected = {"stem_pool2": (28, 28, 192), "inception3a_concat": (28, 28, 256),
                "inception3b_concat": (28, 28, 480), "inception4a_concat": (14, 14, 512),
                "inception4e_concat": (14, 14, 832), "inception5b_concat": (7, 7, 1024)}
    for name, shape in expected.items():
        assert tuple(model.get_layer(name).output.shape[1:]) == shape


def test_too_small_inputs_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="input_shape"):
        alexnet((28, 28, 1))
    with pytest.raises(ValueError, match="input_shape"):
        vgg(VGG_ARCHS["vgg11"], (16, 16, 3))


# --- multiply-adds ------------------------------------------------------------------


def tf_flops(model, ops_wanted=("Conv2D", "DepthwiseConv2dNative", "MatMul")):
    """Sum of TensorFlow's registered "flops" statistics over the wanted ops."""
    shape = (1,) + tuple(model.input_shape[1:])
    graph = tf.function(model).get_concrete_function(tf.TensorSpec(shape)).graph
    total = 0
    for op in graph.get_operations():
        if op.type in ops_wanted:
            total += tf_ops.get_stats_for_node_def(graph, op.node_def, "flops").value
    return total


conv_configs = st.fixed_dictionaries({
    "side": st.integers(3, 12), "cin": st.integers(1, 5), "cout": st.integers(1, 6),
    "k": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "s": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.sampled_from(["valid", "same"]),
})


def single(layer, shape):
    inputs = keras.Input(shape)
    return keras.Model(inputs, layer(inputs))


@SETTINGS
@given(cfg=conv_configs)
def test_conv2d_macs_match_tensorflow_flops_and_the_formula(cfg):
    layer = layers.Conv2D(cfg["cout"], cfg["k"], strides=cfg["s"], padding=cfg["padding"])
    model = single(layer, (cfg["side"], cfg["side"], cfg["cin"]))
    oh, ow = model.output_shape[1:3]
    formula = oh * ow * cfg["cout"] * cfg["k"][0] * cfg["k"][1] * cfg["cin"]
    assert layer_macs(layer) == count_macs(model) == formula == tf_flops(model) // 2
    # every weight (not the bias) is used once per output position
    assert layer_macs(layer) == (layer.count_params() - cfg["cout"]) * oh * ow


@SETTINGS
@given(cfg=conv_configs, multiplier=st.integers(1, 3))
def test_depthwise_and_separable_macs_match_tensorflow_flops(cfg, multiplier):
    shape = (cfg["side"], cfg["side"], cfg["cin"])
    kwargs = dict(strides=cfg["s"], padding=cfg["padding"], depth_multiplier=multiplier)
    depthwise = layers.DepthwiseConv2D(cfg["k"], **kwargs)
    model = single(depthwise, shape)
    assert layer_macs(depthwise) == tf_flops(model) // 2
    oh, ow = model.output_shape[1:3]
    assert layer_macs(depthwise) == oh * ow * cfg["cin"] * multiplier * cfg["k"][0] * cfg["k"][1]
    separable = layers.SeparableConv2D(cfg["cout"], cfg["k"], **kwargs)
    model = single(separable, shape)
    assert layer_macs(separable) == tf_flops(model) // 2


@SETTINGS
@given(n_in=st.integers(1, 50), units=st.integers(1, 50), extra=st.integers(1, 4))
def test_dense_macs_match_matmul_flops(n_in, units, extra):
    layer = layers.Dense(units)
    model = single(layer, (n_in,))
    assert layer_macs(layer) == n_in * units == tf_flops(model) // 2
    assert layer_macs(layer) == layer.count_params() - units
    per_position = layers.Dense(units)          # on (extra, n_in): once per row
    single(per_position, (extra, n_in))
    assert layer_macs(per_position) == extra * n_in * units


@SETTINGS
@given(cfg=conv_configs, groups=st.integers(1, 3), per_group_in=st.integers(1, 3),
       per_group_out=st.integers(1, 3))
def test_grouped_conv_costs_groups_times_one_group(cfg, groups, per_group_in, per_group_out):
    shape = (cfg["side"], cfg["side"], groups * per_group_in)
    grouped = layers.Conv2D(groups * per_group_out, cfg["k"], strides=cfg["s"],
                            padding=cfg["padding"], groups=groups)
    single(grouped, shape)
    one = layers.Conv2D(per_group_out, cfg["k"], strides=cfg["s"], padding=cfg["padding"])
    one_model = single(one, (cfg["side"], cfg["side"], per_group_in))
    assert layer_macs(grouped) == groups * layer_macs(one) == groups * tf_flops(one_model) // 2


@SETTINGS
@given(side=st.integers(6, 12), dilation=st.integers(1, 3), k=st.integers(1, 3),
       cin=st.integers(1, 3), cout=st.integers(1, 3))
def test_dilation_changes_the_window_not_the_cost_per_output(side, dilation, k, cin, cout):
    dilated = layers.Conv2D(cout, k, dilation_rate=dilation, padding="same")
    model = single(dilated, (side, side, cin))
    assert model.output_shape[1:3] == (side, side)
    assert layer_macs(dilated) == side * side * cout * k * k * cin


@SETTINGS
@given(side=st.integers(1, 6), k=st.integers(1, 4), s=st.integers(1, 3),
       cin=st.integers(1, 4), cout=st.integers(1, 4))
def test_transposed_conv_costs_as_much_as_the_conv_it_transposes(side, k, s, cin, cout):
    transposed = layers.Conv2DTranspose(cout, k, strides=s)
    model = single(transposed, (side, side, cin))
    out = model.output_shape[1:]
    forward = layers.Conv2D(cin, k, strides=s)
    forward_model = single(forward, out)
    assert forward_model.output_shape[1:] == (side, side, cin)
    assert layer_macs(transposed) == layer_macs(forward) == side * side * cin * k * k * cout


def test_conv1d_conv3d_nested_models_and_free_layers():
    x1 = keras.Input((10, 3))
    c1 = layers.Conv1D(4, 3)
    keras.Model(x1, c1(x1))
    assert layer_macs(c1) == 8 * 4 * 3 * 3
    x3 = keras.Input((5, 5, 5, 2))
    c3 = layers.Conv3D(3, 2)
    keras.Model(x3, c3(x3))
    assert layer_macs(c3) == 4 * 4 * 4 * 3 * 8 * 2
    inner = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, name="ic"),
                              layers.BatchNormalization(name="ibn")], name="inner")
    inputs = keras.Input((8, 8, 3))
    y = inner(inputs)
    y = layers.MaxPooling2D(name="pool")(y)
    y = layers.Flatten(name="flat")(y)
    y = layers.Dense(5, name="out")(y)
    outer = keras.Model(inputs, y)
    assert count_macs(inner) == 6 * 6 * 4 * 27
    assert count_macs(outer) == count_macs(inner) + 36 * 5
    for name in ("pool", "flat"):
        assert layer_macs(outer.get_layer(name)) == 0
    assert layer_macs(inner.get_layer("ibn")) == 0


def test_layers_the_counter_does_not_know_are_refused():
    inputs = keras.Input((6,))
    einsum = layers.EinsumDense("ab,bc->ac", output_shape=4)
    keras.Model(inputs, einsum(inputs))
    with pytest.raises(ValueError, match="EinsumDense"):
        layer_macs(einsum)
    loose = layers.Dense(3)
    loose.build((None, 4))
    with pytest.raises(ValueError, match="函数式模型"):
        layer_macs(loose)
    flexible = keras.Input((None, None, 3))
    conv = layers.Conv2D(2, 3)
    keras.Model(flexible, conv(flexible))
    with pytest.raises(ValueError, match="未知"):
        layer_macs(conv)


def test_whole_networks():
    assert count_macs(alexnet()) == 1_009_945_728
    model = googlenet()
    # "a computational budget of 1.5 billion multiply-adds at inference time"
    assert 1.5e9 < count_macs(model) < 1.6e9


# --- receptive fields -----------------------------------------------------------------

stack_layers = st.lists(st.tuples(st.sampled_from(["conv", "max", "avg"]), st.integers(1, 4),
                                  st.integers(1, 3), st.integers(1, 2)), min_size=1, max_size=5)


@SETTINGS
@given(stack=stack_layers)
def test_plain_stacks_match_the_chain_formula(stack):
    side = 1 + sum((k - 1) * 2 + 2 for _, k, _, _ in stack) * 8   # never too small
    inputs = keras.Input((side, side, 1))
    x = inputs
    kernels, strides = [], []
    for i, (kind, k, s, d) in enumerate(stack):
        if kind == "conv":
            x = layers.Conv2D(1, k, strides=s if d == 1 else 1, dilation_rate=d,
                              padding="same", name=f"l{i}")(x)
            kernels.append(d * (k - 1) + 1)
            strides.append(s if d == 1 else 1)
        else:
            pool = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
            x = pool(k, strides=s, padding="same", name=f"l{i}")(x)
            kernels.append(k)
            strides.append(s)
    model = keras.Model(inputs, x)
    r = receptive_field(kernels, strides)
    assert model_receptive_field(model, f"l{len(stack) - 1}") == (r, r)


def gradient_extent(model, layer_name, side):
    """Height and width of the input region the centre output pixel depends on."""
    for w in model.weights:
        w.assign(np.ones(w.shape, "float32") if "kernel" in w.path else np.zeros(w.shape,
                                                                                 "float32"))
    probe = keras.Model(model.input, model.get_layer(layer_name).output)
    x = tf.Variable(np.random.default_rng(0).uniform(0.5, 1.0, (1, side, side, 1)).astype(
        "float32"))
    with tf.GradientTape() as tape:
        y = probe(x)
        h, w = y.shape[1] // 2, y.shape[2] // 2
        out = tf.reduce_sum(y[0, h, w])
    grad = tape.gradient(out, x).numpy()[0, :, :, 0]
    rows, cols = np.nonzero(grad)
    return (int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1))


branch_nets = st.lists(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 2)),
                                min_size=1, max_size=3), min_size=1, max_size=3)


@SETTINGS
@given(stem=st.integers(1, 3), branches=branch_nets, merge=st.sampled_from(["concat", "add"]),
       pool=st.integers(1, 3))
# Even windows: "same" pads one more at the end, so two paths' regions are
# offset and their union is wider than either (found by hypothesis)
@example(stem=1, branches=[[(2, 1), (2, 1)], [(2, 2)]], merge="concat", pool=1)
def test_branches_cover_the_union_of_their_paths_as_the_gradient_shows(stem, branches, merge, pool):
    side = 96
    inputs = keras.Input((side, side, 1))
    x = layers.Conv2D(2, stem, padding="same", activation="relu", name="stem")(inputs)
    x = layers.AveragePooling2D(pool, strides=2, padding="same", name="pool")(x)
    outs = []
    for b, path in enumerate(branches):
        y = x
        for j, (k, s) in enumerate(path):
            y = layers.Conv2D(2, k, strides=1, dilation_rate=s, padding="same",
                              activation="relu", name=f"b{b}_{j}")(y)
        outs.append(y)
    if len(outs) == 1:
        merged = layers.Activation("linear", name="merge")(outs[0])
    elif merge == "concat":
        merged = layers.Concatenate(name="merge")(outs)
    else:
        merged = layers.Add(name="merge")(outs)
    model = keras.Model(inputs, merged)
    assert model_receptive_field(model) == gradient_extent(model, "merge", side)


def test_the_four_networks_last_conv_layer():
    assert model_receptive_field(alexnet()) == (163, 163)
    assert model_receptive_field(vgg(VGG_ARCHS["vgg16"], dense_units=(8,))) == (196, 196)
    assert model_receptive_field(nin()) == (195, 195)
    model = googlenet()
    assert model_receptive_field(model) == (715, 715)
    assert model_receptive_field(model, "stem3_relu") == (19, 19)


def test_receptive_field_refuses_what_it_cannot_follow():
    inputs = keras.Input((8, 8, 1))
    up = layers.UpSampling2D(name="up")(layers.Conv2D(1, 3, name="c")(inputs))
    model = keras.Model(inputs, up)
    with pytest.raises(ValueError, match="UpSampling2D"):
        model_receptive_field(model, "up")
    assert model_receptive_field(model, "c") == (3, 3)
    dense = keras.Model(inputs, layers.Dense(2, name="d")(layers.Flatten(name="f")(inputs)))
    with pytest.raises(ValueError, match="特征图"):
        model_receptive_field(dense, "d")
    with pytest.raises(ValueError, match="layer_name"):
        model_receptive_field(model, "nope")
