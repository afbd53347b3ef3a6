"""cnnbook.models.dense_net (saved from chapter 1) and cnnbook.gpu.enable_memory_growth."""
import pytest

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
from cnnbook.gpu import enable_memory_growth  # noqa: E402
from cnnbook.models import dense_net  # noqa: E402


def test_dense_net_has_the_seed_parameter_count():
    model = dense_net()
    assert model.count_params() == 335_114
    assert [layer.count_params() for layer in model.layers] == [200_960, 65_792, 65_792, 2_570]
    assert model(tf.zeros((32, 784))).shape == (32, 10)


def test_dense_net_rejects_bad_widths():
    with pytest.raises(ValueError, match="正整数"):
        dense_net(hidden=(256, 0))


def test_memory_growth_is_safe_to_call_twice():
    first = enable_memory_growth()
    tf.constant(1.0) + 1.0  # initialise the devices
    second = enable_memory_growth()
    assert len(first) == len(second) == len(tf.config.list_physical_devices("GPU"))
