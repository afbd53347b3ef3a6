"""Argument checks shared by every public helper of cnnbook.

One place, one message style: every check names the argument and says what
was expected and what it received.  A value of the wrong *type* raises
``TypeError``; a value of the right type but outside what is allowed raises
``ValueError``.  Each check returns the value converted to the type the
helper works with, so a helper can write ``n = check_int("n", n, min=1)``.

    >>> check_int("stride", 2, min=1)
    2
    >>> check_int("stride", 1.0, min=1)
    Traceback (most recent call last):
    TypeError: stride 应为整数，收到 float 1.0

bool is never accepted where a number is expected (``True`` is an ``int`` in
Python, but ``stride=True`` is a mistake, not a stride of 1), and a number is
never accepted where a bool is expected (``use_bias="False"`` is truthy).
"""
import numbers
import os
from pathlib import Path

import numpy as np

__all__ = [
    "check_bool", "check_int", "check_float", "check_choice", "check_str",
    "check_int_pair", "check_int_seq", "check_array", "check_rng",
    "check_model", "check_callable", "check_path", "describe",
]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def describe(value, limit=60):
    """``"float 1.5"``: the type name and a short repr, for error messages."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 8:
        raise ValueError(f"limit 应为不小于 8 的整数，收到 {limit!r}")
    if isinstance(value, np.ndarray):
        return f"ndarray(shape={value.shape}, dtype={value.dtype})"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(value).__name__} {text}"


def _bounds(min, max):
    if min is not None and max is not None:
        return f"{min} 到 {max} 之间"
    if min is not None:
        return f"不小于 {min}"
    return f"不大于 {max}"


def check_bool(name, value):
    """True or False (NumPy bools too); anything else is a TypeError."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} 应为 True 或 False，收到 {describe(value)}")


def check_int(name, value, *, min=None, max=None):
    """An integer (Python or NumPy, not bool, not float) within [min, max]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} 应为整数，收到 {describe(value)}")
    value = int(value)
    if (min is not None and value < min) or (max is not None and value > max):
        raise ValueError(f"{name} 应为{_bounds(min, max)}的整数，收到 {value}")
    return value


def check_float(name, value, *, min=None, max=None, min_open=False, max_open=False):
    """A finite real number (int or float, not bool) within the bounds; returns float.

    ``min_open=True`` excludes ``min`` itself (for a learning rate: > 0).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} 应为实数，收到 {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} 应为有限的实数，收到 {value}")
    low_bad = min is not None and (value < min or (min_open and value == min))
    high_bad = max is not None and (value > max or (max_open and value == max))
    if low_bad or high_bad:
        lo = "" if min is None else ("大于 " if min_open else "不小于 ") + str(min)
        hi = "" if max is None else ("小于 " if max_open else "不大于 ") + str(max)
        rule = "、".join(part for part in (lo, hi) if part)
        raise ValueError(f"{name} 应{rule}，收到 {value}")
    return value


def check_choice(name, value, choices):
    """One of ``choices`` (compared with ==, strings case-sensitively)."""
    choices = tuple(choices)
    try:
        ok = any(type(value) is type(c) and value == c for c in choices)
    except Exception:  # an array compared with ==: not a choice
        ok = False
    if not ok:
        options = "、".join(repr(c) for c in choices)
        raise ValueError(f"{name} 应为 {options} 之一，收到 {describe(value)}")
    return value


def check_str(name, value, *, nonempty=True):
    """A str (empty only when ``nonempty=False``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} 应为字符串，收到 {describe(value)}")
    if nonempty and not value.strip():
        raise ValueError(f"{name} 不能为空字符串")
    return value


def check_int_pair(name, value, *, min=None, max=None):
    """An int ``v`` (meaning ``(v, v)``) or a sequence of two ints; returns a tuple."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_)):
        v = check_int(name, value, min=min, max=max)
        return (v, v)
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)):
        raise TypeError(f"{name} 应为整数或两个整数组成的元组，收到 {describe(value)}")
    items = list(value)
    if len(items) != 2:
        raise ValueError(f"{name} 应为整数或两个整数组成的元组，收到 {len(items)} 个元素：{value!r}")
    return tuple(check_int(f"{name}[{i}]", v, min=min, max=max) for i, v in enumerate(items))


def check_int_seq(name, value, *, min=None, max=None, nonempty=True):
    """A list or tuple of ints; returns a list."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, range, np.ndarray)):
        raise TypeError(f"{name} 应为整数组成的列表或元组，收到 {describe(value)}")
    items = list(value)
    if nonempty and not items:
        raise ValueError(f"{name} 不能为空")
    return [check_int(f"{name}[{i}]", v, min=min, max=max) for i, v in enumerate(items)]


def check_array(name, value, *, ndim=None, dtype=None, min_size=1, finite=False,
                shape=None):
    """A real-valued array (bool, int, uint or float), returned as ``np.ndarray``.

    - ``ndim``: an int or a tuple of allowed ranks.
    - ``dtype``: convert to this dtype; for ``"float32"`` the values must fit
      (a value like 1e39 would silently become inf).
    - ``min_size``: every axis must have at least this many elements.
    - ``finite``: reject NaN and inf.
    - ``shape``: a tuple with an int or None per axis, checked after ``ndim``.
    Complex numbers, strings and objects are a TypeError.  TensorFlow tensors
    and Keras variables are accepted (converted with ``np.asarray``).
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} 应为实数数组，收到 {describe(value)}")
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} 应为实数数组，无法转换（{type(exc).__name__}: {exc}）") from None
    if arr.dtype.kind not in "biuf":
        kind = {"c": "复数", "U": "字符串", "S": "字节串", "O": "对象", "M": "日期",
                "m": "时间差", "V": "结构体"}.get(arr.dtype.kind, arr.dtype.kind)
        raise TypeError(f"{name} 应为实数数组（bool/int/float），收到元素类型为 {arr.dtype}（{kind}）的数组")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " 或 ".join(f"{d} 维" for d in allowed)
            raise ValueError(f"{name} 应为 {want}数组，收到形状 {arr.shape}（{arr.ndim} 维）")
    if shape is not None:
        if len(shape) != arr.ndim or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            want = "(" + ", ".join("任意" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} 的形状应为 {want}，收到 {arr.shape}")
    if min_size and any(n < min_size for n in arr.shape):
        raise ValueError(f"{name} 的每一维都应至少有 {min_size} 个元素，收到形状 {arr.shape}")
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} 含有 NaN 或无穷大")
    if dtype is not None:
        target = np.dtype(dtype)
        if target == np.float32 and arr.dtype.kind in "iuf" and arr.size:
            big = np.abs(arr[np.isfinite(arr)]) if arr.dtype.kind == "f" else np.abs(arr)
            if big.size and float(big.max()) > _FLOAT32_MAX:
                raise ValueError(
                    f"{name} 的数值超出 float32 的范围（绝对值最大 {float(big.max()):.3g}，"
                    f"float32 最大约 {_FLOAT32_MAX:.3g}），转换后会变成无穷大")
        arr = arr.astype(target, copy=False)
    return arr


def check_rng(name, value):
    """A ``np.random.Generator``, or an int seed (turned into ``default_rng(seed)``)."""
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return np.random.default_rng(check_int(name, value, min=0))
    raise TypeError(
        f"{name} 应为 np.random.Generator（例如 np.random.default_rng(0)）或非负整数种子，"
        f"收到 {describe(value)}")


def check_model(name, value, *, built=True):
    """A Keras model (``keras.Model``); with ``built=True`` its input shape must be known."""
    import keras

    if not isinstance(value, keras.Model):
        raise TypeError(f"{name} 应为 Keras 模型（keras.Model），收到 {describe(value)}")
    if built and not value.built:
        raise ValueError(f"{name} 尚未确定输入形状：请以 keras.Input(...) 开头构建模型，或先调用 model.build(...)")
    return value


def check_callable(name, value):
    if not callable(value):
        raise TypeError(f"{name} 应为可调用对象（函数），收到 {describe(value)}")
    return value


def check_path(name, value, *, must_exist=True, kind="file"):
    """A str or os.PathLike; with ``must_exist`` the file (or dir) must exist."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} 应为文件路径（str 或 pathlib.Path），收到 {describe(value)}")
    path = Path(value)
    if must_exist:
        if kind == "file" and path.is_dir():
            raise ValueError(f"{name} 应为文件，但 {path} 是一个目录")
        if kind == "file" and not path.is_file():
            raise ValueError(f"{name} 指向的文件不存在：{path}")
        if kind == "dir" and not path.is_dir():
            raise ValueError(f"{name} 指向的目录不存在：{path}")
    return path
