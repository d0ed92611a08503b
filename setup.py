"""The compiled part of the project: the route search kernel (plain C, loaded with ctypes).

Everything else is declared in pyproject.toml; setuptools builds this extension during
``pip install`` (also ``-e``), with the C compiler scripts/setup.sh makes sure of.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("routing_service._bidijkstra", ["routing_service/_bidijkstra.c"],
              extra_compile_args=["-O2", "-std=c99"], libraries=["m"]),
])
