"""cnnbook.models.dense_net (saved from chapter 1): the seed's network, stable names, clear errors.

Keras is the oracle for the parameter counts (``count_params``) and the output shape.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
from cnnbook.models import dense_net  # noqa: E402


def test_dense_net_has_the_seed_parameter_count():
    model = dense_net()
    assert model.count_params() == 335_114
    assert [layer.count_params() for layer in model.layers] == [200_960, 65_792, 65_792, 2_570]
    assert model(tf.zeros((32, 784))).shape == (32, 10)


def test_layer_names_are_fixed_so_run_all_twice_prints_the_same_summary():
    first = [layer.name for layer in dense_net().layers]
    second = [layer.name for layer in dense_net().layers]
    assert first == second == ["hidden1", "hidden2", "hidden3", "logits"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(input_dim=st.integers(1, 50), hidden=st.lists(st.integers(1, 20), max_size=4),
       classes=st.integers(1, 12))
def test_parameter_count_is_the_sum_of_nm_plus_m(input_dim, hidden, classes):
    model = dense_net(input_dim=input_dim, hidden=hidden, num_classes=classes)
    widths = [input_dim, *hidden, classes]
    assert model.count_params() == sum(n * m + m for n, m in zip(widths, widths[1:]))
    assert len(model.layers) == len(hidden) + 1


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"input_dim": True}, TypeError, "input_dim"),
        ({"input_dim": 784.0}, TypeError, "input_dim"),
        ({"input_dim": 0}, ValueError, "input_dim"),
        ({"hidden": (256, 0)}, ValueError, "hidden"),
        ({"hidden": 256}, TypeError, "hidden"),
        ({"hidden": (256, 2.5)}, TypeError, "hidden"),
        ({"num_classes": "10"}, TypeError, "num_classes"),
        ({"num_classes": 0}, ValueError, "num_classes"),
    ],
)
def test_dense_net_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        dense_net(**kwargs)


def test_no_hidden_layer_is_a_linear_model():
    set_seed(0)
    model = dense_net(input_dim=3, hidden=(), num_classes=2)
    assert [layer.name for layer in model.layers] == ["logits"]
    assert model.count_params() == 3 * 2 + 2
