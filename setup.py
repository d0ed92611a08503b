"""The compiled parts of the project: the route search kernels (contraction hierarchy and
bidirectional A*) and the snapping kernel (plain C, loaded with ctypes).

Everything else is declared in pyproject.toml; setuptools builds these extensions during
``pip install`` (also ``-e``), with the C compiler scripts/setup.sh makes sure of.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("routing_service._bidijkstra", ["routing_service/_bidijkstra.c"],
              extra_compile_args=["-O2", "-std=c99"], libraries=["m"]),
    # the contraction hierarchy the router searches (the order in its own file)
    Extension("routing_service._hierarchy",
              ["routing_service/_hierarchy.c", "routing_service/_hierarchy_order.c"],
              depends=["routing_service/_hierarchy.h"],
              extra_compile_args=["-O2", "-std=c99"], libraries=["m"]),
    # snapping; its arithmetic must stay GEOS's: no -ffast-math, no fused multiply-add
    Extension("routing_service._nearest", ["routing_service/_nearest.c"],
              extra_compile_args=["-O2", "-std=c99", "-ffp-contract=off"], libraries=["m"]),
])
