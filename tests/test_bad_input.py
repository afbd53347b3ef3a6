"""Every public helper of cnnbook rejects bad input with a clear error that names the argument.

The cases live in ``tests/bad_input/<module>.py``, one file per module of the
package, as a dict ``CASES = {"function_or_class": [case, ...]}``; a case is
``(thunk, exception_type, argument_name)``, where ``thunk`` is a lambda that
calls the helper with one bad argument.  The test calls it and asserts that

- it raises ``exception_type`` (``TypeError`` for a wrong type, ``ValueError``
  for a wrong value; ``DatasetError`` where a data file is at fault), not any
  other exception from deep inside NumPy or TensorFlow, and
- the message names the argument (``argument_name`` appears in it).

``test_every_public_helper_has_cases`` lists every public function and class
of every module (names without a leading underscore, defined in that module,
generated modules included): a new public helper without cases fails it.  A
helper that takes no arguments is listed in the module's ``NO_ARGUMENTS`` (exception classes too).
"""
import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import pytest

import cnnbook

CASE_DIR = Path(__file__).resolve().parent / "bad_input"


def package_modules():
    return sorted(m.name for m in pkgutil.iter_modules(cnnbook.__path__) if not m.name.startswith("_"))


def public_helpers(module_name):
    module = importlib.import_module(f"cnnbook.{module_name}")
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return sorted(n for n in names
                  if (inspect.isfunction(getattr(module, n)) or inspect.isclass(getattr(module, n)))
                  and getattr(getattr(module, n), "__module__", "") == module.__name__)


def load_cases(module_name):
    path = CASE_DIR / f"{module_name}.py"
    if not path.is_file():
        return {}, []
    spec = importlib.util.spec_from_file_location(f"bad_input_{module_name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, "CASES", {}), list(getattr(mod, "NO_ARGUMENTS", []))


def all_cases():
    for module_name in package_modules():
        cases, _ = load_cases(module_name)
        for helper, items in cases.items():
            for i, item in enumerate(items):
                yield pytest.param(module_name, helper, item, id=f"{module_name}.{helper}[{i}]")


@pytest.mark.parametrize("module_name", package_modules())
def test_every_public_helper_has_cases(module_name):
    cases, no_arguments = load_cases(module_name)
    helpers = public_helpers(module_name)
    missing = [h for h in helpers if h not in no_arguments and not cases.get(h)]
    assert not missing, (
        f"cnnbook.{module_name}: no bad-input cases for {missing}; add them to "
        f"tests/bad_input/{module_name}.py")
    stale = sorted(set(cases) - set(helpers))
    assert not stale, f"tests/bad_input/{module_name}.py names helpers that do not exist: {stale}"
    module = importlib.import_module(f"cnnbook.{module_name}")
    for name in no_arguments:
        if inspect.isclass(getattr(module, name)) and issubclass(getattr(module, name), Exception):
            continue  # an exception class: its message is its argument
        params = [p for p in inspect.signature(getattr(module, name)).parameters.values()
                  if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        assert not params, f"{name} is listed in NO_ARGUMENTS but takes {params}"


@pytest.mark.parametrize("module_name,helper,case", list(all_cases()))
def test_bad_input_is_rejected_clearly(module_name, helper, case):
    thunk, expected, argument = case
    with pytest.raises(Exception) as info:
        thunk()
    err = info.value
    assert isinstance(err, expected), (
        f"cnnbook.{module_name}.{helper}: expected {expected.__name__} naming {argument!r}, "
        f"got {type(err).__name__}: {err}")
    assert argument in str(err), (
        f"cnnbook.{module_name}.{helper}: the message does not name {argument!r}: {err}")
