"""cnnbook: the small helper package of the book《卷积神经网络：TensorFlow/Keras 实战》.

One module per concern:

- ``cnnbook.env``       quiet TensorFlow import, seeds, version/device banner
- ``cnnbook.datasets``  the bundled MNIST subset (offline) and the optional full download
- ``cnnbook.plot``      matplotlib with a real CJK font, small figure helpers

Modules whose header says "generated" are written by ``tools/sync_package.py``
from the ``# @save`` cells of the chapters: edit the chapter, then run
``make sync``.
"""

__version__ = "0.1.0"
